from ..core.topdown import crop_person, keypoints_to_image
from .onnx import OnnxPoseModel, export_onnx, preprocess

__all__ = ['export_onnx', 'OnnxPoseModel', 'preprocess', 'crop_person', 'keypoints_to_image']
