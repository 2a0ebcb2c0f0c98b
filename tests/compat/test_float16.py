"""compat/float16.py: onnxconverter-common's block list still rounds a tensor between two
blocked nodes through float16; the fix keeps it in float32."""
import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from onnxconverter_common import float16

from rtmpose_plugin.compat.float16 import drop_float16_round_trips


def _two_blocked_muls():
    """x * 300 / 300: 3e5 between the nodes, past float16's 65504 (read twice, as the
    head's conv output is: by Shape and by Reshape)."""
    graph = helper.make_graph(
        [helper.make_node('Mul', ['x', 'up'], ['big'], name='up'),
         helper.make_node('Shape', ['big'], ['shape'], name='shape'),
         helper.make_node('Reshape', ['big', 'shape'], ['same'], name='reshape'),
         helper.make_node('Mul', ['same', 'down'], ['y'], name='down')], 'g',
        [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 4])],
        [numpy_helper.from_array(np.array(300, np.float32), 'up'),
         numpy_helper.from_array(np.array(1 / 300, np.float32), 'down')])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
    return float16.convert_float_to_float16(model, keep_io_types=True,
                                            node_block_list=['up', 'shape', 'reshape', 'down'])


def _run(model):
    session = ort.InferenceSession(model.SerializeToString(), providers=['CPUExecutionProvider'])
    return session.run(None, {'x': np.full((1, 4), 1000, np.float32)})[0]


def test_the_upstream_round_trip_overflows_and_the_fix_keeps_float32():
    broken = _two_blocked_muls()
    assert not np.isfinite(_run(broken)).any()  # upstream: inf (remove the fix when this fails)
    fixed = _two_blocked_muls()
    assert drop_float16_round_trips(fixed) == 1
    onnx.checker.check_model(fixed)
    np.testing.assert_allclose(_run(fixed), 1000, rtol=1e-5)
    assert drop_float16_round_trips(fixed) == 0  # nothing left to drop
