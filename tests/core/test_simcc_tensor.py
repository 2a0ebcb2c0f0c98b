"""The in-graph SimCC decode equals the NumPy decode training uses, ties and
non-positive scores included."""
import numpy as np
import pytest
import torch

from rtmpose_plugin.core.simcc import decode_simcc
from rtmpose_plugin.core.simcc_tensor import decode_simcc_tensor


@pytest.mark.parametrize('split_ratio', [2.0, 1.5, 3.0])
def test_tensor_decode_equals_numpy_decode(split_ratio):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 17, 384)).astype(np.float32)
    y = rng.standard_normal((4, 17, 512)).astype(np.float32)
    x[0, :3] = -1.0  # scores <= 0: (-1, -1)
    y[1, 5, [7, 100]] = 9.0  # a tie: the first maximum
    ref_kp, ref_scores = decode_simcc(x, y, split_ratio=split_ratio)
    kp, scores = decode_simcc_tensor(torch.from_numpy(x), torch.from_numpy(y), split_ratio)
    np.testing.assert_allclose(kp.numpy(), ref_kp, atol=1e-6)
    np.testing.assert_allclose(scores.numpy(), ref_scores, atol=1e-6)
    assert np.all(kp.numpy()[0, :3] == -1) and kp.numpy()[1, 5, 1] == 7 / split_ratio
