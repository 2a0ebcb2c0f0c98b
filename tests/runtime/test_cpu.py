"""Choosing the CPU backend and precision from the CPU's flags, and the command line's
explicit choices."""
import pytest

from rtmpose_plugin.runtime.cpu import cpu_flags, pick_cpu_backend
from rtmpose_plugin.inference.cli import choose_backend

SAPPHIRE_RAPIDS = {'avx2', 'avx512f', 'avx512_vnni', 'avx512_bf16', 'amx_bf16', 'amx_int8',
                   'amx_tile'}
ZEN5 = {'avx2', 'avx512f', 'avx512_vnni', 'avx_vnni', 'avx512_bf16'}
ALDER_LAKE = {'avx2', 'avx_vnni'}
HASWELL = {'avx2', 'fma'}


@pytest.mark.parametrize('flags, calibration, expected', [
    (SAPPHIRE_RAPIDS, False, ('openvino', 'bf16')),
    (SAPPHIRE_RAPIDS, True, ('openvino', 'int8')),
    (ZEN5, False, ('openvino', 'bf16')),
    (ZEN5, True, ('openvino', 'int8')),
    (ALDER_LAKE, False, ('openvino', 'fp32')),
    (ALDER_LAKE, True, ('openvino', 'int8')),
    (HASWELL, True, ('openvino', 'fp32')),
])
def test_the_fastest_precision_the_flags_allow(flags, calibration, expected):
    choice = pick_cpu_backend(flags, openvino=True, calibration=calibration)
    assert (choice.backend, choice.precision) == expected
    assert choice.reason


def test_without_openvino_onnxruntime_fp32():
    choice = pick_cpu_backend(SAPPHIRE_RAPIDS, openvino=False, calibration=True)
    assert (choice.backend, choice.precision) == ('onnxruntime', 'fp32')
    assert 'not installed' in choice.reason


def test_bf16_reason_says_int8_needs_calibration():
    assert 'calibration' in pick_cpu_backend(ZEN5, openvino=True).reason


def test_cpu_flags_from_cpuinfo(tmp_path):
    info = tmp_path / 'cpuinfo'
    info.write_text('processor\t: 0\nflags\t\t: fpu avx2 avx512_bf16\n\nprocessor\t: 1\n')
    assert cpu_flags(str(info)) == {'fpu', 'avx2', 'avx512_bf16'}
    assert cpu_flags(str(tmp_path / 'none')) == frozenset()


def test_this_machine_gets_a_choice():
    choice = pick_cpu_backend()
    assert choice.backend in ('openvino', 'onnxruntime') and str(choice)


def test_explicit_choices_on_the_command_line(monkeypatch):
    import rtmpose_plugin.runtime.cpu as cpu
    monkeypatch.setattr(cpu, 'cpu_flags', lambda *a: frozenset(ZEN5))
    assert choose_backend('auto', 'auto')[:2] == ('openvino', 'bf16')
    assert choose_backend('auto', 'auto', calibration='data')[:2] == ('openvino', 'int8')
    assert choose_backend('onnxruntime', 'auto')[:2] == ('onnxruntime', 'fp32')
    assert choose_backend('openvino', 'auto')[:2] == ('openvino', 'bf16')
    assert choose_backend('auto', 'fp16')[:2] == ('onnxruntime', 'fp16')
    assert choose_backend('auto', 'auto', model='m.param')[:2] == ('ncnn', 'fp32')
    assert choose_backend('auto', 'auto', model='m.xml')[:2] == ('openvino', 'bf16')
    with pytest.raises(ValueError, match='onnxruntime has no bf16'):
        choose_backend('onnxruntime', 'bf16')
    with pytest.raises(ValueError, match='calibration'):
        choose_backend('openvino', 'int8')
    with pytest.raises(ValueError, match='pytorch has no int8; it has fp32'):
        choose_backend('pytorch', 'int8')
    # a CUDA device: ONNX Runtime (its CUDA provider) unless a backend is named
    assert choose_backend('auto', 'auto', device='cuda:0')[:2] == ('onnxruntime', 'fp32')
    assert choose_backend('pytorch', 'auto', device='cuda:1')[:2] == ('pytorch', 'fp32')
