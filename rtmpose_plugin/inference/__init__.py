"""The real-time pipeline.

Detector + RTMPose with frame-skip detection, pose NMS, tracking and One-Euro smoothing,
over images, folders, videos and cameras; opening models by name, file, SDK folder or
config (:mod:`.opener`).
"""
from .drawing import draw
from .opener import open_detector, open_pose_model
from .pipeline import (FrameResult, PoseInstance, PosePipeline, boxes_from_poses, clip_boxes,
                       to_bgr_uint8)
from .runner import coco_detections, run
from .sources import iter_frames
from .tracker import Tracker

__all__ = [
    'PosePipeline', 'PoseInstance', 'FrameResult', 'Tracker', 'run', 'iter_frames', 'draw',
    'coco_detections', 'boxes_from_poses', 'clip_boxes', 'to_bgr_uint8', 'open_pose_model',
    'open_detector'
]
