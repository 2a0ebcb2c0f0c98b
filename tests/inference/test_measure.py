"""``auto`` by measurement (inference/measure.py): the fastest candidate that passes the
precision check is chosen and cached; a different measurement changes the choice; a corrupt
cached decision is measured again."""
import json
import logging
import os.path as osp

import pytest

from rtmpose_plugin.inference import measure
from rtmpose_plugin.inference.cli import choose_backend

from ..conftest import SHARED_DATA

pytestmark = pytest.mark.slow


def fake_speeds(monkeypatch, speeds):
    seen = []

    def crops_per_second(model, crops, seconds=1.0, timer=None):
        seen.append((model.backend, model.precision))
        return speeds[model.backend, model.precision]

    monkeypatch.setattr(measure, 'crops_per_second', crops_per_second)
    return seen


def test_the_measurement_decides_and_is_cached(onnx_model, monkeypatch, caplog):
    # bf16 where this CPU has it (both CPUs of this project have); the fallback of a CPU
    # without it: OpenVINO fp32, the next fastest
    runner_up = ('openvino', 'bf16') if ('openvino', 'bf16') in measure.candidates(False) \
        else ('openvino', 'fp32')
    int8_wins = {('onnxruntime', 'fp32'): 50, ('openvino', 'fp32'): 60,
                 ('openvino', 'bf16'): 100, ('openvino', 'int8'): 130}
    int8_wins = {c: v for c, v in int8_wins.items() if c in measure.candidates(True)}
    if runner_up == ('openvino', 'fp32'):
        int8_wins[runner_up] = 100
    seen = fake_speeds(monkeypatch, int8_wins)
    choice = measure.measure_choice(onnx_model, 1, SHARED_DATA)
    assert sorted(set(seen)) == sorted(int8_wins)  # every candidate ran
    assert (choice.backend, choice.precision) == ('openvino', 'int8')
    assert choice.reason.startswith('measured fastest on this CPU: openvino int8 130')
    decision = json.load(open(measure.decision_path(onnx_model, 1)))
    assert decision['measured']['openvino int8']['passed']
    assert decision['measured']['openvino int8']['mean_oks'] >= 0.99
    assert decision['measured'][' '.join(runner_up)].get('mean_oks', 1.0) >= 0.99  # bf16 checked
    # the flags are the prior; the cached measurement is taken over them
    assert choose_backend('auto', 'auto', SHARED_DATA, onnx_model, threads=1)[:2] == \
        ('openvino', 'int8')
    # without calibration data INT8 cannot be made when opened: the next fastest
    assert choose_backend('auto', 'auto', None, onnx_model, threads=1)[:2] == runner_up
    # a different measurement (the AMX Xeon's: INT8 no faster than bf16) changes the choice
    fake_speeds(monkeypatch, {**int8_wins, ('openvino', 'int8'): 95})
    assert measure.measure_choice(onnx_model, 1, SHARED_DATA)[:2] == runner_up
    assert choose_backend('auto', 'auto', SHARED_DATA, onnx_model, threads=1)[:2] == runner_up
    # another thread count is another decision: not measured yet, so the flags say
    from rtmpose_plugin.runtime.cpu import pick_cpu_backend
    assert choose_backend('auto', 'auto', SHARED_DATA, onnx_model, threads=2) == \
        pick_cpu_backend(calibration=True)


def test_a_corrupt_decision_is_measured_again(onnx_model, monkeypatch, caplog):
    path = measure.decision_path(onnx_model, 1)
    fake_speeds(monkeypatch, {('onnxruntime', 'fp32'): 200, ('openvino', 'fp32'): 60,
                              ('openvino', 'bf16'): 100, ('openvino', 'int8'): 130})
    measure.measure_choice(onnx_model, 1, None)
    with open(path, 'w') as f:
        f.write('{"version": 1, "meas')
    with caplog.at_level(logging.WARNING):
        assert measure.cached_choice(onnx_model, 1) is None
    assert any('unreadable' in r.getMessage() and 'measuring again' in r.getMessage()
               for r in caplog.records)
    assert not osp.exists(path)
    # --measure: measured now, where nothing is cached
    assert choose_backend('auto', 'auto', None, onnx_model, threads=1, measure=True)[:2] == \
        ('onnxruntime', 'fp32')
    assert osp.isfile(path)
