"""Registration: importing the package (or its runtime) alone loads no training stack;
a config's custom_imports, or rtmpose_plugin.register, registers everything."""
import subprocess
import sys

from .conftest import ROOT

HEAVY = "{'torch', 'mmcv', 'mmengine', 'mmpose', 'mmdet', 'mmdeploy'}"


def run(code: str) -> str:
    proc = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                          cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.strip()


def test_the_package_and_its_runtime_import_no_training_stack():
    out = run('import sys, rtmpose_plugin, rtmpose_plugin.runtime, rtmpose_plugin.inference; '
              f'print(sorted({{m.split(".")[0] for m in sys.modules}} & {HEAVY}))')
    assert out == '[]'


def test_a_configs_custom_imports_registers_our_modules():
    out = run('from mmengine.config import Config; '
              'from rtmpose_plugin.config import find_config; '
              "Config.fromfile(find_config('rtmpose-t_8xb256-420e_coco-256x192.py')); "
              'from mmpose.registry import MODELS, KEYPOINT_CODECS, TRANSFORMS; '
              "print(MODELS.get('RTMSimCCHead') is not None, "
              "KEYPOINT_CODECS.get('RTMSimCCLabel') is not None, "
              "TRANSFORMS.get('RandomCutout') is not None)")
    assert out == 'True True True'


def test_register_applies_the_fixes_and_exposes_our_classes():
    out = run('import rtmpose_plugin.register, rtmpose_plugin; from rtmpose_plugin import compat; '
              "print(rtmpose_plugin.RTMSimCCHead.__name__, "
              "compat.applied()['mmpose_visualization_without_torchvision'])")
    assert out == 'RTMSimCCHead True'
