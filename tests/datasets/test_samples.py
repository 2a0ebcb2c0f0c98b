"""The sample data's one owner: where it is, its people as model crops, smoke training."""
import numpy as np
import pytest

from rtmpose_plugin import build
from rtmpose_plugin.datasets import samples

from ..conftest import SHARED_DATA


def test_data_root_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv('RTMPOSE_SHARED_DATA', str(tmp_path))
    assert samples.default_data_root() == str(tmp_path)


def test_people_of_each_annotated_folder_become_crops(tmp_path):
    coco = list(samples.sample_people(SHARED_DATA, 'coco', (192, 256)))
    assert len(coco) == 12  # the 12 annotated people with keypoints
    crop, center, scale, image_id = coco[0]
    assert crop.shape == (256, 192, 3) and crop.dtype == np.uint8
    assert scale[0] / scale[1] == pytest.approx(192 / 256)
    crops = samples.calibration_crops(SHARED_DATA, (288, 384), limit=5)
    assert crops.shape == (5, 384, 288, 3)
    people = samples.coco_people(SHARED_DATA, (192, 256))
    assert len(people.crops) == len(people.image_ids) == 12
    with pytest.raises(FileNotFoundError, match='no person crops'):
        samples.calibration_crops(str(tmp_path), (192, 256))


def test_smoke_runner_trains_the_smoke_config_quietly(tmp_path):
    runner, config, checkpoint = build.smoke_runner(f'{SHARED_DATA}/coco', str(tmp_path))
    cfg = runner.cfg
    epochs = cfg.train_cfg.max_epochs
    assert config.endswith(samples.SMOKE_CONFIG) and checkpoint.endswith(f'epoch_{epochs}.pth')
    assert cfg.train_cfg.val_interval == epochs and cfg.randomness.seed == 0
    assert cfg.train_dataloader.dataset.data_root.rstrip('/') == f'{SHARED_DATA}/coco'
