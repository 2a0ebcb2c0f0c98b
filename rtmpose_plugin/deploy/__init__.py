"""Export: MMDeploy to ONNX and on to the other backends, as SDK folders.

Export: MMDeploy to ONNX (and from it OpenVINO, ncnn through pnnx, TensorRT), INT8 and
fp16, the SDK folder and the meta each model file carries; one exporter per backend
(:data:`.export.EXPORTERS`). Running exported models is :mod:`rtmpose_plugin.runtime`'s."""
from .export import (EXPORTERS, deploy, deploy_detector, export_precisions, quantize_int8,
                     to_fp16)
from .onnx import export_onnx
from .openvino import to_openvino

__all__ = [
    'export_onnx', 'deploy', 'deploy_detector', 'EXPORTERS', 'export_precisions',
    'to_openvino', 'quantize_int8', 'to_fp16'
]
