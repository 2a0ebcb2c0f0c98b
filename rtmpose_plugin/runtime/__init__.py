"""Running exported models with NumPy, OpenCV and a backend runtime only.

No torch, mmcv, mmengine, mmpose, mmdet or mmdeploy is imported (``pip install
rtmpose_plugin[runtime]``).

- :mod:`.sessions`: one session type per backend (ONNX Runtime, OpenVINO, ncnn,
  TensorRT; PyTorch through the training stack);
- :mod:`.meta`: what a model says about itself (embedded, or its SDK folder's);
- :mod:`.models`: :class:`PoseModel` and :class:`Detector`, preprocess -> run -> decode;
- :mod:`.cpu`: the fastest CPU backend and precision, by the CPU's flags.

Opening a model from what a user gives (a name, a config, a file, an SDK folder or zip)
is :func:`rtmpose_plugin.inference.opener.open_pose_model`.
"""
from .meta import KeypointSet, ModelError, ModelMeta, keypoint_set, keypoint_set_names
from .estimators import Detector, PoseModel

__all__ = [
    'ModelError', 'ModelMeta', 'KeypointSet', 'keypoint_set', 'keypoint_set_names',
    'PoseModel', 'Detector'
]
