"""It learns: RTMPose-t from scratch on the 4 COCO sample images reaches COCO AP >= 0.9
on them within 3 minutes of CPU (the smoke config, about a minute here)."""
import time

import pytest
from mmengine.config import Config

from rtmpose_plugin.apis import find_config, replace_data_root

from .conftest import shared


@pytest.mark.slow
def test_rtmpose_t_learns_the_coco_samples(tmp_path):
    from mmengine.runner import Runner
    cfg = Config.fromfile(find_config('rtmpose-t_1xb4-120e_coco-sample-256x192.py'))
    cfg = replace_data_root(cfg, shared('coco'))
    cfg.work_dir = str(tmp_path)
    cfg.train_cfg.val_interval = cfg.train_cfg.max_epochs
    runner = Runner.from_cfg(cfg)
    start = time.perf_counter()
    runner.train()
    seconds = time.perf_counter() - start
    metrics = runner.test()
    assert metrics['coco/AP'] >= 0.9, metrics
    assert seconds < 180, f'training took {seconds:.0f} s'
