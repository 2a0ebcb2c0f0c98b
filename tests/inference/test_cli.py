"""tools/pose.py's logic: bundled detections, the backend choice, INT8 cached, clear errors."""
import logging
import json
import os
import os.path as osp

import numpy as np
import pytest

from rtmpose_plugin.console import pose_main as main

from ..conftest import SHARED_DATA, shared

pytestmark = pytest.mark.slow


def test_cli_over_the_sample_folder_with_bundled_detections(onnx_model, tmp_path):
    summary = main([shared('coco'), '--pose', onnx_model, '--bundled-dets',
                    shared('coco', 'test_coco_det_AP_H_56.json'), shared('coco', 'test_coco.json'),
                    '--out', str(tmp_path), '--no-progress'])
    assert summary['frames'] == 4 and summary['people'] >= 10 and summary['errors'] == 0
    lines = [json.loads(l) for l in open(tmp_path / 'results.jsonl')]
    assert lines[0]['instances'][0]['keypoints'] and 'timings_ms' in lines[0]
    assert len([f for f in os.listdir(tmp_path) if f.endswith('.jpg')]) == 4


def _cli_on_samples(onnx_model, out, *extra):
    return main([shared('coco'), '--pose', onnx_model, '--bundled-dets',
                 shared('coco', 'test_coco_det_AP_H_56.json'), shared('coco', 'test_coco.json'),
                 '--out', str(out), '--no-progress', *extra])


def test_cli_picks_the_fastest_cpu_backend_and_says_which(onnx_model, tmp_path, caplog):
    from rtmpose_plugin.runtime.cpu import pick_cpu_backend
    best = pick_cpu_backend()
    with caplog.at_level(logging.INFO, logger='rtmpose_plugin.pose'):
        summary = _cli_on_samples(onnx_model, tmp_path / 'auto')
    said = [r.getMessage() for r in caplog.records]
    assert (summary['backend'], summary['precision']) == (best.backend, best.precision)
    assert any(f'backend: {best.backend} {best.precision} (' in line for line in said)
    ort = _cli_on_samples(onnx_model, tmp_path / 'ort', '--backend', 'onnxruntime')
    assert ort['backend'] == 'onnxruntime' and summary['people'] == ort['people'] >= 10
    a = [json.loads(l) for l in open(tmp_path / 'auto' / 'results.jsonl')]
    b = [json.loads(l) for l in open(tmp_path / 'ort' / 'results.jsonl')]
    kp_a = np.array([i['keypoints'] for f in a for i in f['instances']])
    kp_b = np.array([i['keypoints'] for f in b for i in f['instances']])
    assert np.median(np.abs(kp_a - kp_b)) <= 1.0  # the same poses, image pixels


@pytest.mark.parametrize('backend, suffix', [('openvino', '.xml'), ('onnxruntime', '.onnx')])
def test_cli_int8_calibrated_on_the_samples(onnx_model, tmp_path, monkeypatch, backend, suffix):
    stamps = []
    for attempt in ('first', 'cached'):
        summary = _cli_on_samples(onnx_model, tmp_path / attempt, '--backend', backend,
                                  '--precision', 'int8', '--calibration', SHARED_DATA)
        assert (summary['backend'], summary['precision']) == (backend, 'int8')
        assert summary['people'] >= 10 and summary['errors'] == 0
        made = [osp.join(d, f) for d, _, fs in os.walk(tmp_path / 'cache' / backend)
                for f in fs if f.endswith(suffix)]
        assert len(made) == 1
        stamps.append(os.stat(made[0]).st_mtime_ns)
    assert stamps[0] == stamps[1]  # quantized once, then taken from the cache
    if backend == 'openvino':  # a new quantization recipe does not reuse the old IR
        import rtmpose_plugin.deploy.openvino as ov_deploy
        monkeypatch.setattr(ov_deploy, 'INT8_RECIPE', 'another')
        _cli_on_samples(onnx_model, tmp_path / 'again', '--backend', backend,
                        '--precision', 'int8', '--calibration', SHARED_DATA)
        made = [f for _, _, fs in os.walk(tmp_path / 'cache' / backend) for f in fs
                if f.endswith(suffix)]
        assert len(made) == 2
    with pytest.raises(SystemExit):  # int8 without data: a usage error, said up front
        _cli_on_samples(onnx_model, tmp_path / 'x', '--backend', 'openvino', '--precision',
                        'int8')
    with pytest.raises(SystemExit):
        _cli_on_samples(onnx_model, tmp_path / 'x', '--backend', 'onnxruntime', '--precision',
                        'bf16')


def test_cli_needs_a_detector_or_boxes(onnx_model, tmp_path):
    with pytest.raises(SystemExit):
        main([shared('coco'), '--pose', onnx_model, '--out', str(tmp_path)])


def test_a_model_that_is_not_a_pose_model_is_a_one_line_error(tmp_path):
    from rtmpose_plugin.console import run_pose as run_cli
    det = shared('models', 'rtmdet-nano-person')
    code, line = run_cli([shared('coco', '000000196141.jpg'), '--pose', det, '--det', det,
                          '--out', str(tmp_path / 'o'), '--no-progress'])
    assert code == 1 and '\n' not in line
    assert 'is a detection model, not a pose model' in line
    assert not (tmp_path / 'o' / 'results.jsonl').exists()
    with pytest.raises(ValueError, match='not a pose model'):  # --debug: the traceback
        run_cli([shared('coco', '000000196141.jpg'), '--pose', det, '--det', det, '--out',
                 str(tmp_path / 'o'), '--debug'])


def test_int8_calibrated_on_the_input_itself_and_its_check_said(onnx_model, tmp_path, caplog):
    """No calibration data: the people the detector finds in the video's first frames."""
    with caplog.at_level(logging.INFO):
        summary = main([shared('video', 'street.mp4'), '--pose', onnx_model, '--det',
                        shared('models', 'rtmdet-nano-person'), '--backend', 'onnxruntime',
                        '--precision', 'int8', '--max-frames', '2', '--allow-drift',
                        '--out', str(tmp_path / 'o'), '--no-progress'])
    assert summary['precision'] == 'int8' and summary['frames'] == 2
    said = [r.getMessage() for r in caplog.records if r.getMessage().startswith('precision')]
    import re
    found = re.search(r'onnxruntime int8 against fp32 on (\d+) crops', said[0] if said else '')
    assert len(said) == 1 and found, said
    assert int(found.group(1)) > 5  # the people in the video's 5 frames, not the frames
