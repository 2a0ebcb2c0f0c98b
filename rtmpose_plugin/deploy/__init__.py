"""Export: MMDeploy to ONNX (and from it OpenVINO, ncnn through pnnx, TensorRT), INT8 and
fp16, the SDK folder and the meta each model file carries. Running exported models is
:mod:`rtmpose_plugin.runtime`'s."""
from .export import (PRECISIONS, deploy, deploy_detector, quantize_int8, sdk_model_config,
                     to_fp16)
from .onnx import export_onnx
from .openvino import to_openvino

__all__ = [
    'export_onnx', 'deploy', 'deploy_detector', 'PRECISIONS', 'sdk_model_config', 'to_openvino', 'quantize_int8', 'to_fp16'
]
