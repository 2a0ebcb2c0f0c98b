"""The real-time pipeline: detector + RTMPose with frame-skip detection, pose NMS,
tracking and One-Euro smoothing, over images, folders, videos and cameras."""
from .pipeline import (FrameResult, PoseInstance, PosePipeline, TorchPoseModel,
                       boxes_from_poses, clip_boxes, to_bgr_uint8)
from .runner import coco_detections, draw, iter_frames, run
from .tracker import Tracker

__all__ = [
    'PosePipeline', 'PoseInstance', 'FrameResult', 'TorchPoseModel', 'Tracker', 'run',
    'iter_frames', 'draw', 'coco_detections', 'boxes_from_poses', 'clip_boxes', 'to_bgr_uint8'
]
