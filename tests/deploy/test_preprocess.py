"""The deployed models' preprocessing equals the data preprocessor of the models
(mmpose's PoseDataPreprocessor is mmengine's ImgDataPreprocessor for images)."""
import numpy as np
import torch

from rtmpose_plugin.deploy import preprocess


def test_preprocess_equals_mmpose_data_preprocessor():
    from mmengine.model import ImgDataPreprocessor
    ref = ImgDataPreprocessor(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
                               bgr_to_rgb=True)
    crops = np.random.default_rng(0).integers(0, 256, (3, 256, 192, 3), dtype=np.uint8)
    expected = ref(dict(inputs=[torch.from_numpy(c).permute(2, 0, 1) for c in crops]),
                   training=False)['inputs'].numpy()
    ours = preprocess(crops)
    assert ours.dtype == np.float32 and ours.flags.c_contiguous
    assert ours.shape == expected.shape == (3, 3, 256, 192)
    np.testing.assert_allclose(ours, expected, atol=1e-5)
