"""Configs, the one place: finding ours and mmpose's, loading, the data root."""
import pytest

from rtmpose_plugin import config


def test_find_config_by_file_name_and_a_clear_error():
    path = config.find_config('rtmpose-t_8xb256-420e_coco-256x192.py')
    assert path.endswith('body_2d_keypoint/rtmpose/coco/rtmpose-t_8xb256-420e_coco-256x192.py')
    assert config.find_config(path) == path
    with pytest.raises(FileNotFoundError, match="'nope.py' is neither a file nor a config"):
        config.find_config('nope.py')


def test_mmpose_config_is_mmposes_own():
    path = config.mmpose_config('body_2d_keypoint/rtmpose/coco/rtmpose-t_8xb256-420e_coco-256x192.py')
    assert '/mmpose/.mim/configs/' in path
    assert config.load_config(path).model.head.type == 'RTMCCHead'


def test_replace_data_root_everywhere():
    cfg = config.load_config('rtmpose-m_8xb64-210e_crowdpose-256x192.py')
    new = config.replace_data_root(cfg, '/data/cp')
    assert new.data_root == '/data/cp/'
    assert new.train_dataloader.dataset.data_root == '/data/cp/'
    assert new.val_evaluator.ann_file.startswith('/data/cp/')
    assert 'data/crowdpose' not in new.pretty_text
    with pytest.raises(ValueError, match='no top-level data_root'):
        config.replace_data_root(config.load_config('pose-detection_simcc_ncnn-256x192.py'), '/x')
