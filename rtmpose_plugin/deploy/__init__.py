"""Export: MMDeploy to ONNX and on to the other backends, as SDK folders.

Export: MMDeploy to ONNX (and from it OpenVINO, ncnn through pnnx, TensorRT), INT8 and
fp16, the SDK folder and the meta each model file carries; one exporter per backend
(:data:`.export.EXPORTERS`). Running exported models is :mod:`rtmpose_plugin.runtime`'s.

The names below load on first use, so that the parts a machine that only runs models
needs (:mod:`.precision`'s check of an opened model, :mod:`.calibration`) import without
the training stack that the exporters import.
"""
import importlib

_WHERE = {'export_onnx': '.onnx', 'deploy': '.export', 'deploy_detector': '.export',
          'EXPORTERS': '.export', 'export_precisions': '.export', 'to_openvino': '.openvino',
          'quantize_int8': '.export', 'to_fp16': '.export'}

__all__ = list(_WHERE)


def __getattr__(name):
    if name not in _WHERE:
        raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
    return getattr(importlib.import_module(_WHERE[name], __name__), name)
