"""One session type per backend: what each reports of its network, and devices."""
import numpy as np
import pytest

from rtmpose_plugin.runtime import sessions

from ..conftest import shared

DET = ('models', 'rtmdet-nano-person', 'end2end.onnx')


def test_onnxruntime_and_openvino_sessions_agree_on_the_real_detector():
    ort = sessions.OnnxRuntimeSession(shared(*DET), threads=1)
    assert (ort.backend, ort.device, ort.precision) == ('onnxruntime', 'cpu', 'fp32')
    assert ort.input_name == 'input' and ort.input_shape == (None, 3, None, None)
    assert ort.output_names == ['dets', 'labels'] and ort.output_ranks == [3, 2]
    ov = sessions.OpenVINOSession(shared(*DET), 'fp32', threads=1, input_shape=(1, 3, 320, 320))
    assert ov.input_shape == (1, 3, 320, 320) and ov.output_ranks == [3, 2]
    x = np.random.default_rng(0).standard_normal((1, 3, 320, 320)).astype(np.float32)
    a, b = ort.run(x), ov.run(x)
    assert a[0].shape == b[0].shape
    np.testing.assert_allclose(np.sort(a[0][0, :, 4]), np.sort(b[0][0, :, 4]), atol=1e-3)


def test_devices_each_backend_has_or_a_clear_error():
    import onnxruntime
    if 'CUDAExecutionProvider' not in onnxruntime.get_available_providers():
        with pytest.raises(RuntimeError, match='onnxruntime-gpu'):
            sessions.OnnxRuntimeSession(shared(*DET), device='cuda:0')
    with pytest.raises(ValueError, match="'cpu', 'cuda' or 'cuda:N'"):
        sessions.OnnxRuntimeSession(shared(*DET), device='gpu0')
    with pytest.raises(ValueError, match='OpenVINO backend runs on the CPU'):
        sessions.OpenVINOSession(shared(*DET), device='cuda:0')
    with pytest.raises(ValueError, match='runs on a CUDA device'):
        sessions.TensorRTSession(shared(*DET), device='cpu')
    with pytest.raises(FileNotFoundError, match='does not exist'):
        sessions.NcnnSession('missing.param')
