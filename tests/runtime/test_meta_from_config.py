"""The meta an export carries, made from the training config: the runtime's
normalisation equals the model's own data preprocessor, the keypoints its dataset's."""
import numpy as np
import pytest
import torch
from mmengine.config import Config

from rtmpose_plugin.config import find_config
from rtmpose_plugin.core.image import normalize
from rtmpose_plugin.runtime.meta import pose_meta_from_config


@pytest.mark.parametrize('config, dataset, k, size', [
    ('rtmpose-t_8xb256-420e_coco-256x192.py', 'coco', 17, (192, 256)),
    ('rtmpose-m_8xb64-270e_coco-wholebody-256x192.py', 'coco_wholebody', 133, (192, 256)),
    ('rtmpose-m_8xb64-210e_crowdpose-256x192.py', 'crowdpose', 14, (192, 256)),
    ('rtmpose-m_8xb64-210e_mpii-256x256.py', 'mpii', 16, (256, 256)),
    ('rtmpose-m_8xb64-210e_ap10k-256x256.py', 'ap10k', 17, (256, 256)),
    ('rtmpose-m_8xb256-420e_aic-coco-384x288.py', 'coco', 17, (288, 384)),
])
def test_pose_meta_from_config(config, dataset, k, size):
    from mmengine.model import ImgDataPreprocessor
    cfg = Config.fromfile(find_config(config))
    meta = pose_meta_from_config(cfg)
    assert meta.task == 'pose' and meta.input_size == size and meta.split_ratio == 2.0
    assert meta.keypoints.name == dataset and meta.keypoints.num_keypoints == k
    # mmpose's PoseDataPreprocessor normalises images as mmengine's ImgDataPreprocessor
    pre = cfg.model.data_preprocessor
    assert pre.type == 'PoseDataPreprocessor'
    preprocessor = ImgDataPreprocessor(mean=pre.mean, std=pre.std, bgr_to_rgb=pre.bgr_to_rgb)
    crops = np.random.default_rng(0).integers(0, 256, (2, size[1], size[0], 3), dtype=np.uint8)
    expected = preprocessor(dict(inputs=[torch.from_numpy(c).permute(2, 0, 1) for c in crops]),
                            training=False)['inputs'].numpy()
    ours = normalize(crops, meta.mean, meta.std, meta.to_rgb)
    assert ours.dtype == np.float32 and ours.flags.c_contiguous
    np.testing.assert_allclose(ours, expected, atol=1e-5)
