"""Training throughput of our RTMPose-t recipe against mmpose's own, in one process.

Both train on the COCO sample images laid out as COCO (repeated to fill batches),
stage-1 pipeline (the recipe's first 390 of 420 epochs), batch 32, AdamW; a step is
``next(dataloader)`` plus ``model.train_step``, so the data pipeline counts.
mmpose's recipe needs albumentations < 2 for its ``Albumentation`` transform.
"""
from __future__ import annotations

import os
import os.path as osp
import statistics
import tempfile
import time
from dataclasses import dataclass
from typing import Dict, Iterator, List, Tuple

OURS = 'rtmpose-t_8xb256-420e_coco-256x192.py'
MMPOSE = 'body_2d_keypoint/rtmpose/coco/rtmpose-t_8xb256-420e_coco-256x192.py'


@dataclass
class Throughput:
    workers: int
    ours: float  # samples / s
    ref: float

    @property
    def ratio(self) -> float:
        return self.ours / self.ref

    def row(self) -> str:
        return (f'| {self.workers} | {self.ours:.1f} | {self.ref:.1f} | {self.ratio:.3f} |')


HEADER = ('| workers | ours (samples/s) | mmpose (samples/s) | ratio ours/mmpose |\n'
          '|---|---|---|---|')


def mmpose_config_path() -> str:
    from rtmpose_plugin.config import mmpose_config
    return mmpose_config(MMPOSE)


def _trainer(config: str, data_root: str, batch: int, workers: int, repeat: int):
    """(step function) for one recipe: builds model, optimiser and dataloader."""
    os.environ.setdefault('NO_ALBUMENTATIONS_UPDATE', '1')  # no update check over the network
    from mmengine.config import Config
    from mmengine.model import revert_sync_batchnorm
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import MODELS, init_default_scope
    from mmengine.runner import Runner

    from rtmpose_plugin.build import register
    register()
    from rtmpose_plugin.apis.training import replace_data_root
    cfg = replace_data_root(Config.fromfile(config), data_root)
    init_default_scope('mmpose')
    model = revert_sync_batchnorm(MODELS.build(cfg.model))
    model.train()
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    loader_cfg = cfg.train_dataloader
    loader_cfg.batch_size = batch
    loader_cfg.num_workers = workers
    loader_cfg.persistent_workers = workers > 0
    loader_cfg.dataset = dict(type='RepeatDataset', times=repeat, dataset=loader_cfg.dataset)
    loader = Runner.build_dataloader(loader_cfg, seed=0)

    def batches() -> Iterator:
        while True:
            yield from loader

    it = batches()

    def step() -> None:
        model.train_step(next(it), optim)

    return step


def measure(samples: str, workers: int, batch: int = 32, steps: int = 8,
            warmup: int = 2) -> Throughput:
    """Samples/s of ours and mmpose's recipe, steps interleaved, median step time."""
    from rtmpose_plugin.datasets.samples import make_layout
    with tempfile.TemporaryDirectory() as tmp:
        root = make_layout('coco', osp.join(tmp, 'coco'), samples)
        from rtmpose_plugin.config import find_config
        runs: Dict[str, Tuple] = {
            'ours': (_trainer(find_config(OURS), root, batch, workers, repeat=64), []),
            'ref': (_trainer(mmpose_config_path(), root, batch, workers, repeat=64), []),
        }
        for _ in range(warmup):
            for step, _times in runs.values():
                step()
        for i in range(steps):
            order: List = list(runs.values()) if i % 2 == 0 else list(runs.values())[::-1]
            for step, times in order:
                t0 = time.perf_counter()
                step()
                times.append(time.perf_counter() - t0)
        return Throughput(workers, batch / statistics.median(runs['ours'][1]),
                          batch / statistics.median(runs['ref'][1]))
