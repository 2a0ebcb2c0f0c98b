from ..core.topdown import crop_person, keypoints_to_image
from .export import PRECISIONS, calibration_crops, deploy, sdk_model_config
from .ncnn import NcnnPoseModel
from .onnx import OnnxPoseModel, export_onnx, preprocess
from .openvino import OpenVINOPoseModel, to_openvino
from .cpu import pick_cpu_backend

__all__ = [
    'export_onnx', 'OnnxPoseModel', 'NcnnPoseModel', 'preprocess', 'crop_person',
    'keypoints_to_image', 'deploy', 'PRECISIONS', 'calibration_crops', 'sdk_model_config',
    'OpenVINOPoseModel', 'to_openvino', 'pick_cpu_backend'
]
