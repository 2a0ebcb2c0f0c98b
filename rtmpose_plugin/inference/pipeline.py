"""The top-down real-time pipeline of RTMPose: detect every K frames, between them
derive each person's box from its previous pose, estimate all crops of a frame in one
batched forward, drop duplicate poses by OKS, track and smooth.

Note: N people, K keypoints; boxes (N, 4) are x1, y1, x2, y2 in image pixels.
Models are any callables: a detector ``image -> (N, 5)`` boxes with scores, a pose
model with ``input_size`` (w, h), ``keypoints`` (its
:class:`~rtmpose_plugin.runtime.meta.KeypointSet`: K, OKS sigmas, skeleton) and
``crops (B, h, w, 3) uint8 BGR -> (keypoints (B, K, 2) in input space, scores (B, K))``,
as :class:`rtmpose_plugin.runtime.PoseModel` on any backend. Pose NMS and tracking use
the model's own sigmas, so every keypoint set is treated alike.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

import numpy as np

from ..core.oks import oks_nms
from ..core.topdown import crop_person, keypoints_to_image
from .tracker import Tracker


@dataclass
class PoseInstance:
    track_id: int
    bbox: np.ndarray  # (4, ) x1 y1 x2 y2
    keypoints: np.ndarray  # (K, 2) image pixels
    keypoint_scores: np.ndarray  # (K, )
    score: float
    box_source: str  # 'detector', 'pose' (from the previous pose) or 'given'

    def to_json(self) -> dict:
        return dict(track_id=int(self.track_id), bbox=[round(float(v), 2) for v in self.bbox],
                    keypoints=np.round(self.keypoints, 2).tolist(),
                    keypoint_scores=np.round(self.keypoint_scores, 4).tolist(),
                    score=round(float(self.score), 4), box_source=self.box_source)


@dataclass
class FrameResult:
    index: int
    instances: List[PoseInstance] = field(default_factory=list)
    timings_ms: Dict[str, float] = field(default_factory=dict)
    detected: bool = False

    def to_json(self) -> dict:
        return dict(frame=self.index, detected=self.detected,
                    timings_ms={k: round(v, 2) for k, v in self.timings_ms.items()},
                    instances=[i.to_json() for i in self.instances])


def to_bgr_uint8(image: np.ndarray) -> np.ndarray:
    """Any image OpenCV reads as 3-channel uint8 BGR: grayscale, BGRA, 16-bit, float in [0, 1].

    Raises:
        ValueError: not an image (wrong rank, no pixels).
    """
    import cv2
    if not isinstance(image, np.ndarray) or image.ndim not in (2, 3) or image.size == 0:
        raise ValueError(f'expected an (H, W) or (H, W, C) image, got '
                         f'{getattr(image, "shape", type(image))}')
    if image.dtype == np.uint16:
        image = (image / 257).astype(np.uint8)
    elif image.dtype in (np.float32, np.float64):
        image = (np.clip(image, 0, 1) * 255).astype(np.uint8)
    elif image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    if image.ndim == 2 or image.shape[2] == 1:
        return cv2.cvtColor(image.reshape(image.shape[:2]), cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.shape[2] != 3:
        raise ValueError(f'expected 1, 3 or 4 channels, got {image.shape[2]}')
    return image


def clip_boxes(boxes: np.ndarray, width: int, height: int, min_size: float = 2.0) -> np.ndarray:
    """Boxes (N, >=4) clipped to the image; those left smaller than ``min_size`` dropped."""
    boxes = np.asarray(boxes, np.float32).reshape(-1, boxes.shape[-1] if len(boxes) else 5)
    if not len(boxes):
        return boxes
    boxes = boxes[np.all(np.isfinite(boxes[:, :4]), axis=1)].copy()
    boxes[:, [0, 2]] = boxes[:, [0, 2]].clip(0, width)
    boxes[:, [1, 3]] = boxes[:, [1, 3]].clip(0, height)
    keep = ((boxes[:, 2] - boxes[:, 0]) >= min_size) & ((boxes[:, 3] - boxes[:, 1]) >= min_size)
    return boxes[keep]


def boxes_from_poses(keypoints: np.ndarray, scores: np.ndarray, thr: float,
                     scale: float = 1.25) -> np.ndarray:
    """(N, 4) boxes around each pose's keypoints scoring over ``thr``, scaled about their
    centre (MMDeploy's PoseTracker); poses with fewer than 2 such keypoints give none."""
    boxes = []
    for kp, sc in zip(keypoints, scores):
        pts = kp[sc > thr]
        if len(pts) < 2:
            continue
        lo, hi = pts.min(0), pts.max(0)
        c, half = (lo + hi) / 2, (hi - lo) / 2 * scale
        boxes.append(np.concatenate([c - half, c + half]))
    return np.array(boxes, np.float32).reshape(-1, 4)


def max_pairwise_iou(boxes: np.ndarray) -> float:
    """The largest IoU between two different boxes of (N, 4); 0 for fewer than two."""
    if len(boxes) < 2:
        return 0.0
    lo = np.maximum(boxes[:, None, :2], boxes[None, :, :2])
    hi = np.minimum(boxes[:, None, 2:4], boxes[None, :, 2:4])
    inter = np.prod(np.clip(hi - lo, 0, None), -1)
    area = np.prod(np.clip(boxes[:, 2:4] - boxes[:, :2], 0, None), -1)
    iou = inter / np.maximum(area[:, None] + area[None] - inter, 1e-9)
    np.fill_diagonal(iou, 0)
    return float(iou.max())


class PosePipeline:
    """Args:
        pose_model: See the module note.
        detector: ``image -> (N, 5)`` x1 y1 x2 y2 score; may be None when boxes are
            always given (bundled detections).
        det_interval: Detect every this many frames (1: every frame); between, boxes
            come from the previous poses.
        det_score_thr: Minimum detection score.
        kpt_thr: Keypoint score above which a keypoint counts (boxes from poses, drawing).
        nms_thr: OKS above which a pose duplicates a better one.
        smoothing: One-Euro arguments, or None for none.
        track: Assign track IDs.
        fps: Frame rate for the filter's time base when frames carry no timestamp.
        redetect_iou: Between detections, run the detector anyway when two boxes derived
            from the previous poses overlap by more than this IoU (people crossing, where
            a derived box slides onto a neighbour); None: never.
        max_batch: At most this many crops go through the pose model at once.
    """

    def __init__(self, pose_model: Callable, detector: Optional[Callable] = None,
                 det_interval: int = 1, det_score_thr: float = 0.5, kpt_thr: float = 0.3,
                 nms_thr: float = 0.9, smoothing: Optional[Dict] = None, track: bool = True,
                 fps: float = 30.0, max_track_age: int = 5,
                 redetect_iou: Optional[float] = None, max_batch: int = 64) -> None:
        if det_interval < 1:
            raise ValueError(f'det_interval must be >= 1, got {det_interval}')
        if max_batch < 1:
            raise ValueError(f'max_batch must be >= 1, got {max_batch}')
        keypoints = getattr(pose_model, 'keypoints', None)
        if keypoints is None:
            raise ValueError('the pose model has no keypoint set (.keypoints): open it with '
                             'rtmpose_plugin.inference.open_pose_model')
        self.pose_model, self.detector = pose_model, detector
        self.keypoints = keypoints
        self.sigmas = keypoints.sigma_array
        self.max_batch = max_batch
        self.det_interval, self.det_score_thr = det_interval, det_score_thr
        self.kpt_thr, self.nms_thr, self.fps = kpt_thr, nms_thr, fps
        self.redetect_iou = redetect_iou
        self.tracker = Tracker(max_age=max_track_age, sigmas=self.sigmas,
                               smoothing=smoothing) if track else None
        self.frame = 0
        self._last: List[PoseInstance] = []

    def _estimate(self, crops: np.ndarray) -> tuple:
        """Crops through the pose model in batches of at most ``max_batch``."""
        if len(crops) <= self.max_batch:
            return self.pose_model(crops)
        parts = [self.pose_model(crops[i:i + self.max_batch])
                 for i in range(0, len(crops), self.max_batch)]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def reset(self) -> None:
        self.frame, self._last = 0, []
        if self.tracker:
            self.tracker.reset()

    def _boxes(self, image: np.ndarray, boxes: Optional[np.ndarray]) -> tuple:
        if boxes is not None:
            boxes = np.asarray(boxes, np.float32).reshape(-1, np.shape(boxes)[-1] if len(boxes)
                                                          else 4)
            if boxes.shape[1] == 4:
                boxes = np.concatenate([boxes, np.ones((len(boxes), 1), np.float32)], 1)
            return boxes, 'given', False
        derived = None
        if self.frame % self.det_interval != 0 and self._last:
            kp = np.stack([i.keypoints for i in self._last])
            sc = np.stack([i.keypoint_scores for i in self._last])
            derived = boxes_from_poses(kp, sc, self.kpt_thr)
            if self.redetect_iou is not None and max_pairwise_iou(derived) > self.redetect_iou:
                derived = None
        if derived is None:
            if self.detector is None:
                raise ValueError('no detector: pass the boxes of each frame')
            dets = np.asarray(self.detector(image), np.float32).reshape(-1, 5)
            return dets[dets[:, 4] >= self.det_score_thr], 'detector', True
        return np.concatenate([derived, np.ones((len(derived), 1), np.float32)], 1), 'pose', False

    def __call__(self, image: np.ndarray, boxes: Optional[np.ndarray] = None,
                 timestamp: Optional[float] = None) -> FrameResult:
        """Poses in one frame. ``boxes``: (N, 4 or 5) to use instead of detection."""
        t0 = time.perf_counter()
        image = to_bgr_uint8(image)
        h, w = image.shape[:2]
        result = FrameResult(self.frame)
        t_det = time.perf_counter()
        dets, source, result.detected = self._boxes(image, boxes)
        dets = clip_boxes(dets, w, h)
        result.timings_ms['detect'] = (time.perf_counter() - t_det) * 1e3
        t_pose = time.perf_counter()
        if len(dets):
            size = self.pose_model.input_size
            crops, centers, scales = [], [], []
            for box in dets:
                xywh = np.array([box[0], box[1], box[2] - box[0], box[3] - box[1]], np.float32)
                crop, (c, s) = crop_person(image, xywh, size)
                crops.append(crop), centers.append(c), scales.append(s)
            kp, kp_scores = self._estimate(np.stack(crops))
            kp = keypoints_to_image(kp, np.stack(centers), np.stack(scales), size)
            valid = kp_scores > self.kpt_thr
            pose_scores = dets[:, 4] * np.where(valid.any(1), (kp_scores * valid).sum(1) /
                                                np.maximum(valid.sum(1), 1), 0)
            areas = (dets[:, 2] - dets[:, 0]) * (dets[:, 3] - dets[:, 1])
            keep = oks_nms(kp, pose_scores, areas, self.nms_thr, self.sigmas)
            kp, kp_scores, dets, pose_scores, areas = (a[keep] for a in (kp, kp_scores, dets,
                                                                         pose_scores, areas))
            t = timestamp if timestamp is not None else self.frame / self.fps
            if self.tracker is not None:
                ids, kp = self.tracker.update(kp, kp_scores, areas, t)
            else:
                ids = np.arange(len(kp))
            result.instances = [
                PoseInstance(int(i), d[:4], k, s, float(p), source)
                for i, d, k, s, p in zip(ids, dets, kp, kp_scores, pose_scores)
            ]
        elif self.tracker is not None:
            k = self.keypoints.num_keypoints
            self.tracker.update(np.zeros((0, k, 2)), np.zeros((0, k)), np.zeros(0),
                                timestamp if timestamp is not None else self.frame / self.fps)
        result.timings_ms['pose'] = (time.perf_counter() - t_pose) * 1e3
        result.timings_ms['total'] = (time.perf_counter() - t0) * 1e3
        self._last = [i for i in result.instances if (i.keypoint_scores > self.kpt_thr).sum() >= 2]
        self.frame += 1
        return result
