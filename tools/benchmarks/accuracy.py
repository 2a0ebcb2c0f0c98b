"""The accuracy cost of each CPU backend and precision, for one trained checkpoint.

On the COCO sample people (ground-truth boxes, as mmpose's ``TopdownAffine`` crops
them): the mean, median and max keypoint deviation from PyTorch fp32 in model-input
pixels (keypoints PyTorch scores over 0.3), how many of them jump to another peak
(> 5 px) and the mean over the rest, COCO keypoint AP (xtcocotools, as mmpose's
``CocoMetric``: pose score = mean keypoint score over 0.2), and the latency of one
crop at 1 thread. INT8 is calibrated on the AIC and CrowdPose sample people, not on
the crops it is judged on.
"""
from __future__ import annotations

import contextlib
import io
import os.path as osp
import time
from dataclasses import dataclass
from typing import Callable, List, Sequence, Tuple

import numpy as np
from rtmpose_plugin.datasets.samples import People, coco_people

#: (backend, precision) in the order of the table
VARIANTS = [('pytorch', 'fp32'), ('onnxruntime', 'fp32'), ('onnxruntime', 'fp16'),
            ('onnxruntime', 'int8'), ('openvino', 'fp32'), ('openvino', 'bf16'),
            ('openvino', 'int8')]
CALIBRATION_FOLDERS = ('aic', 'crowdpose')


def coco_keypoint_ap(people: People, keypoints: np.ndarray, scores: np.ndarray,
                     input_size: Sequence[int]) -> float:
    """COCO keypoint AP of predictions in input space (N, K, 2) with scores (N, K)."""
    from xtcocotools.coco import COCO
    from xtcocotools.cocoeval import COCOeval

    from rtmpose_plugin.core.topdown import keypoints_to_image
    kp = keypoints_to_image(keypoints, people.centers, people.scales, input_size)
    results = []
    for image_id, k, s in zip(people.image_ids, kp, scores):
        valid = s > 0.2
        score = float(s[valid].mean()) if valid.any() else 0.0
        flat = np.concatenate([k, s[:, None]], 1).reshape(-1)
        results.append(dict(image_id=int(image_id), category_id=1, keypoints=flat.tolist(),
                            score=score))
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(people.ann_file)
        dt = gt.loadRes(results)
        ev = COCOeval(gt, dt, 'keypoints', use_area=True)
        ev.params.useSegm = None
        ev.evaluate(), ev.accumulate(), ev.summarize()
    return float(ev.stats[0])


def build_variant(backend: str, precision: str, config: str, checkpoint: str, sdk: str,
                  calibration: np.ndarray, threads: int = 1) -> Callable:
    """The pose model of one (backend, precision), opened as the CLI opens it.

    The pose model of one (backend, precision), from one SDK folder (PyTorch: the
    config and checkpoint), opened as the CLI opens it."""
    from rtmpose_plugin.inference.opener import open_pose_model
    if backend == 'pytorch':
        import torch
        torch.set_num_threads(max(threads, 1))
        return open_pose_model(config, checkpoint, backend='pytorch')
    return open_pose_model(sdk, backend=backend, precision=precision, threads=threads,
                           calibration=lambda size: calibration,
                           calibration_id=f'benchmark:{",".join(CALIBRATION_FOLDERS)}')


FLIP_PX = 5.0


@dataclass
class Row:
    backend: str
    precision: str
    deviation: np.ndarray  # (M, ) px, the confident keypoints
    ap: float
    ms: float

    @property
    def mean_px(self) -> float:
        return float(self.deviation.mean())

    @property
    def flips(self) -> int:
        return int((self.deviation > FLIP_PX).sum())

    @property
    def mean_without_flips_px(self) -> float:
        return float(self.deviation[self.deviation <= FLIP_PX].mean())

    def row(self) -> str:
        d = self.deviation
        return (f'| {self.backend} | {self.precision} | {self.mean_px:.3f} | '
                f'{np.median(d):.2f} | {d.max():.2f} | {self.flips} / {d.size} | '
                f'{self.mean_without_flips_px:.3f} | {self.ap:.4f} | {self.ms:.2f} |')


HEADER = ('| backend | precision | mean dev. (px) | median | max | jumps > 5 px | '
          'mean dev. without jumps | COCO AP | ms / crop |\n'
          '|---|---|---|---|---|---|---|---|---|')


def accuracy_table(config: str, checkpoint: str, data_root: str, work_dir: str,
                   variants: Sequence[Tuple[str, str]] = VARIANTS,
                   threads: int = 1) -> List[Row]:
    """One :class:`Row` per variant, PyTorch fp32 first (the reference)."""
    from mmengine.config import Config

    from rtmpose_plugin.config import find_config
    from rtmpose_plugin.datasets.samples import calibration_crops
    from rtmpose_plugin.deploy.export import deploy
    config = find_config(config)
    input_size = tuple(Config.fromfile(config).codec['input_size'])
    people = coco_people(data_root, input_size)
    calibration = calibration_crops(data_root, input_size, folders=CALIBRATION_FOLDERS)
    sdk = osp.dirname(deploy(config, checkpoint, work_dir)['model'])
    ref = None
    rows = []
    for backend, precision in [('pytorch', 'fp32')] + [v for v in variants
                                                       if v != ('pytorch', 'fp32')]:
        model = build_variant(backend, precision, config, checkpoint, sdk, calibration,
                              threads)
        kp, scores = model(people.crops)
        if ref is None:
            ref = (kp, scores)
        confident = ref[1] > 0.3
        dev = np.linalg.norm(kp - ref[0], axis=-1)[confident]
        for crop in people.crops[:3]:  # warm-up
            model(crop[None])
        t0 = time.perf_counter()
        for crop in people.crops:
            model(crop[None])
        ms = (time.perf_counter() - t0) / len(people.crops) * 1e3
        rows.append(Row(backend, precision, dev, coco_keypoint_ap(people, kp, scores,
                                                                  input_size), ms))
    return rows

