"""The backend table: the one dispatch from a file to a session, and a backend added by
one entry, run through the whole command line."""
import json
import logging
import os.path as osp
import shutil

import pytest

from rtmpose_plugin import console
from rtmpose_plugin.runtime import backends, sessions
from rtmpose_plugin.runtime.backends import Backend, backend_for, open_session

from ..conftest import shared

DET = shared('models', 'rtmdet-nano-person')


def test_files_pick_their_backend_and_refuse_the_others():
    assert backend_for('m.onnx').name == 'onnxruntime'
    assert backend_for('m.xml').name == 'openvino'
    assert backend_for('m.param').name == 'ncnn'
    assert backend_for('m.engine').name == 'tensorrt'
    assert backend_for('m.onnx', 'openvino').name == 'openvino'  # OpenVINO reads ONNX
    with pytest.raises(ValueError, match='ncnn runs a converted model: tools/deploy.py'):
        backend_for('m.onnx', 'ncnn')
    with pytest.raises(ValueError, match='m.param is a ncnn model; it cannot run on openvino'):
        backend_for('m.param', 'openvino')
    with pytest.raises(ValueError, match="unknown backend 'nope'"):
        backend_for('m.onnx', 'nope')
    with pytest.raises(ValueError, match='onnxruntime has no bf16'):
        open_session(osp.join(DET, 'end2end.onnx'), precision='bf16')
    with pytest.raises(ValueError, match="runs on cpu, not 'cuda:0'"):
        open_session(osp.join(DET, 'end2end.onnx'), 'openvino', device='cuda:0')


def test_one_session_per_file_reports_its_path_and_backend():
    session = open_session(osp.join(DET, 'end2end.onnx'), threads=1)
    assert session.backend == 'onnxruntime' and session.path.endswith('end2end.onnx')
    assert session.input_shape[1] == 3 and session.output_names == ['dets', 'labels']


class FakeSession(sessions.OnnxRuntimeSession):
    """A 'backend' that is ONNX Runtime under another name, on files of its own kind."""
    backend = 'fake'
    opened = []

    def __init__(self, path, precision, device, threads, **_):
        super().__init__(path, device, threads)
        FakeSession.opened.append(path)


@pytest.mark.parametrize('backend', ['fake', 'auto'])
def test_a_backend_added_by_one_entry_runs_through_the_cli(backend, coco_sdk, tmp_path,
                                                           monkeypatch, caplog):
    monkeypatch.setitem(backends.BACKENDS, 'fake', Backend(
        'fake', ('.fake', ), ('cpu', ), ('fp32', ), FakeSession,
        backends.BACKENDS['onnxruntime'].meta))
    FakeSession.opened = []
    model = str(tmp_path / 'pose.fake')
    shutil.copy(osp.join(coco_sdk, 'end2end.onnx'), model)
    out = tmp_path / 'out'
    with caplog.at_level(logging.INFO, logger='rtmpose_plugin.pose'):
        code, line = console.run_pose([shared('coco', '000000196141.jpg'), '--pose', model,
                                       '--det', DET, '--backend', backend, '--out', str(out),
                                       '--no-progress'])
    assert code == 0, line
    assert FakeSession.opened == [model]  # opened once, by the table's factory
    assert 'backend: fake fp32' in caplog.text
    frame = json.loads((out / 'results.jsonl').read_text().splitlines()[0])
    assert frame['instances'] and len(frame['instances'][0]['keypoints']) == 17
    assert '17 coco keypoints each' in line


def test_an_openvino_detector_is_compiled_once_for_its_static_input():
    from rtmpose_plugin.inference import open_detector
    det = open_detector(DET, backend='openvino', precision='fp32', threads=1)
    session = det.session
    assert session._model_pair is None  # nothing compiled at open: the shape comes first
    assert session.input_shape == (1, 3, 320, 320)
    import numpy as np
    det(np.full((240, 320, 3), 90, np.uint8))
    compiled = session._model_pair
    assert compiled is not None and not session._compiled
    assert compiled[0].inputs[0].get_partial_shape().is_static
    det(np.full((240, 320, 3), 90, np.uint8))
    assert session._model_pair is compiled
