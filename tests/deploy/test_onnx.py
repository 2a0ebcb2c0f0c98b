"""MMDeploy's torch2onnx of our model: SimCC logits out, a dynamic batch, the config's
input size (or the one asked for)."""
import onnxruntime as ort
import pytest

from rtmpose_plugin.config import find_config
from rtmpose_plugin.deploy.onnx import export_onnx

from ..conftest import random_checkpoint

pytestmark = pytest.mark.slow


@pytest.mark.parametrize('config, size', [('rtmpose-t_8xb256-420e_coco-256x192.py', (192, 256)),
                                          ('rtmpose-m_8xb64-210e_mpii-256x256.py', (256, 256))])
def test_export_onnx_has_dynamic_batch_and_simcc_outputs(config, size, tmp_path):
    path = export_onnx(find_config(config), random_checkpoint(config, str(tmp_path / 'r.pth')),
                       str(tmp_path))
    sess = ort.InferenceSession(path, providers=['CPUExecutionProvider'])
    (inp, ), outs = sess.get_inputs(), sess.get_outputs()
    assert inp.shape[1:] == [3, size[1], size[0]] and not isinstance(inp.shape[0], int)
    assert [o.name for o in outs] == ['simcc_x', 'simcc_y']
    assert outs[0].shape[2] == size[0] * 2 and outs[1].shape[2] == size[1] * 2
