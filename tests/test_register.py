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


BUILD = ("from rtmpose_plugin.config import find_config; "
         "cfg = Config.fromfile(find_config('rtmpose-t_8xb256-420e_coco-256x192.py')); "
         "from mmpose.registry import MODELS; "
         "print(type(MODELS.build(cfg.model).head).__name__)")


def test_import_rtmpose_plugin_then_mmengine_registers_before_a_model_is_built():
    """The notebook order: our package first (nothing heavy yet), then a config of ours
    whose custom_imports names the package already imported."""
    out = run('import sys, rtmpose_plugin; '
              f'assert not {{m.split(".")[0] for m in sys.modules}} & {HEAVY}; '
              'from mmengine.config import Config; ' + BUILD)
    assert out == 'RTMSimCCHead'


def test_mmengine_then_import_rtmpose_plugin_registers_too():
    out = run('from mmengine.config import Config; import rtmpose_plugin; ' + BUILD)
    assert out == 'RTMSimCCHead'


def test_mmposes_own_apis_import_after_a_plain_import():
    """mmpose.apis pulls in mmpose.visualization, which imports torchvision (absent):
    the first import of mmpose applies our fixes before it is used."""
    out = run('import rtmpose_plugin; '
              'from mmpose.apis import init_model, inference_topdown; '
              'from mmpose.registry import KEYPOINT_CODECS; '
              "print(init_model.__name__, KEYPOINT_CODECS.get('RTMSimCCLabel').__name__)")
    assert out == 'init_model RTMSimCCLabel'


def test_without_our_import_mmposes_apis_fail_on_torchvision():
    """The upstream problem the hook answers: the same import without our package."""
    proc = subprocess.run([sys.executable, '-c', 'from mmpose.apis import init_model'],
                          capture_output=True, text=True, cwd='/')
    assert proc.returncode != 0 and 'torchvision' in proc.stderr
