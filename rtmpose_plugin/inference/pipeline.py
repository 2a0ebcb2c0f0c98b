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
from .errors import InputError
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
        """JSON-ready values; a non-finite number is written as null, never NaN."""
        return dict(track_id=int(self.track_id), bbox=_finite(self.bbox, 2),
                    keypoints=_finite(self.keypoints, 2),
                    keypoint_scores=_finite(self.keypoint_scores, 4),
                    score=_finite(np.float64(self.score), 4), box_source=self.box_source)


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


def _finite(values, digits: int):
    """Rounded, as lists; non-finite values as None (valid JSON)."""
    a = np.round(np.asarray(values, np.float64), digits)
    if np.all(np.isfinite(a)):
        return a.tolist()
    return np.where(np.isfinite(a), a, None).tolist()


def to_bgr_uint8(image: np.ndarray) -> np.ndarray:
    """Any image as 3-channel uint8 BGR: grayscale, BGRA, uint8, 16-bit, other integers
    (clipped to 0-255), and floats of every precision in [0, 1] (the one float
    convention; NaN as 0). A float frame whose values reach past 1.5 looks like 0-255:
    it is still read as [0, 1] (so clipped), with a warning saying to divide by 255.

    Raises:
        InputError: not an image (wrong rank, no pixels, not an array) or an unsupported
            dtype (bool, complex, object, ...).
    """
    import cv2
    if not isinstance(image, np.ndarray) or image.ndim not in (2, 3) or image.size == 0:
        raise InputError(f'expected an (H, W) or (H, W, C) image array, got '
                         f'{getattr(image, "shape", type(image).__name__)}')
    if image.dtype == np.uint16:
        image = (image / 257).astype(np.uint8)
    elif np.issubdtype(image.dtype, np.floating):
        image = np.nan_to_num(image.astype(np.float32), nan=0.0, posinf=1.0, neginf=0.0)
        if image.max() > 1.5:
            import warnings
            warnings.warn('a float frame with values up to '
                          f'{float(image.max()):.1f}: float frames are read as [0, 1]; '
                          'divide a 0-255 frame by 255 (or give uint8)', stacklevel=2)
        image = np.rint(np.clip(image, 0, 1) * 255).astype(np.uint8)
    elif np.issubdtype(image.dtype, np.integer):
        if image.dtype != np.uint8:
            image = np.clip(image, 0, 255).astype(np.uint8)
    else:
        raise InputError(f'unsupported image dtype {image.dtype}: give uint8, uint16, another '
                         'integer type, or float in [0, 1]')
    if image.ndim == 2 or image.shape[2] == 1:
        return cv2.cvtColor(image.reshape(image.shape[:2]), cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.shape[2] != 3:
        raise InputError(f'expected 1, 3 or 4 channels, got {image.shape[2]}')
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
        self._last_t: Optional[float] = None

    def _estimate(self, image: np.ndarray, dets: np.ndarray) -> tuple:
        """Keypoints in image pixels and scores of each box: cropped and run in batches
        of at most ``max_batch``, so memory stays bounded however many boxes there are."""
        size = self.pose_model.input_size
        xywh = np.concatenate([dets[:, :2], dets[:, 2:4] - dets[:, :2]], 1)
        kps, scores = [], []
        for start in range(0, len(dets), self.max_batch):
            crops, centers, scales = [], [], []
            for box in xywh[start:start + self.max_batch]:
                crop, (c, s) = crop_person(image, box, size)
                crops.append(crop), centers.append(c), scales.append(s)
            kp, sc = self.pose_model(np.stack(crops))
            kps.append(keypoints_to_image(kp, np.stack(centers), np.stack(scales), size))
            scores.append(sc)
        return np.concatenate(kps), np.concatenate(scores)

    def reset(self) -> None:
        self.frame, self._last, self._last_t = 0, [], None
        if self.tracker:
            self.tracker.reset()

    def _time(self, timestamp) -> float:
        """The frame's time (seconds) for the filters, checked before any state changes.

        Raises:
            InputError: a timestamp that is not a finite number, or not after the last.
        """
        if timestamp is None:
            t = self.frame / self.fps
            if self._last_t is None or t > self._last_t:
                return t
            # after explicit timestamps: the next one; past 2**53 s, the next float
            t = max(self._last_t + 1 / self.fps, float(np.nextafter(self._last_t, np.inf)))
            if not np.isfinite(t):
                raise InputError(f'no time follows {self._last_t}: give timestamps, or reset()')
            return t
        try:
            t = float(timestamp)
        except (TypeError, ValueError):
            raise InputError(f'timestamp must be a number of seconds, got {timestamp!r}') \
                from None
        if not np.isfinite(t):
            raise InputError(f'timestamp must be finite, got {t}')
        if self._last_t is not None and t <= self._last_t:
            raise InputError(f'timestamps must increase: {t} after {self._last_t}')
        return t

    @staticmethod
    def _given_boxes(boxes) -> np.ndarray:
        """Boxes given by the caller as (N, 5) float32.

        Raises:
            InputError: not (N, 4) or (N, 5), or not finite.
        """
        try:
            arr = np.asarray(boxes, np.float64)
        except (TypeError, ValueError):
            raise InputError(f'boxes must be an (N, 4) or (N, 5) array, got '
                             f'{type(boxes).__name__}') from None
        if arr.size == 0:
            return np.zeros((0, 5), np.float32)
        if arr.ndim != 2 or arr.shape[1] not in (4, 5):
            raise InputError(f'boxes must be (N, 4) x1 y1 x2 y2 or (N, 5) with a score, got '
                             f'shape {arr.shape}')
        if not np.all(np.isfinite(arr)):
            raise InputError('boxes must be finite (a NaN or inf coordinate or score)')
        if arr.shape[1] == 4:
            arr = np.concatenate([arr, np.ones((len(arr), 1))], 1)
        return arr.astype(np.float32)

    def _boxes(self, image: np.ndarray, given: Optional[np.ndarray]) -> tuple:
        """(N, 5) boxes, where they came from, whether the detector ran."""
        if given is not None:
            return given, 'given', False
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
            return dets[np.isfinite(dets[:, 4]) & (dets[:, 4] >= self.det_score_thr)], \
                'detector', True
        return np.concatenate([derived, np.ones((len(derived), 1), np.float32)], 1), 'pose', False

    def __call__(self, image: np.ndarray, boxes: Optional[np.ndarray] = None,
                 timestamp: Optional[float] = None) -> FrameResult:
        """Poses in one frame. ``boxes``: (N, 4 or 5) to use instead of detection;
        ``timestamp``: seconds, increasing (None: the frame index / ``fps``).

        Raises:
            InputError: a frame, boxes or timestamp it cannot take; nothing of the
                pipeline's state (tracks, frame count) changes then.
        """
        t0 = time.perf_counter()
        t = self._time(timestamp)
        image = to_bgr_uint8(image)
        given = self._given_boxes(boxes) if boxes is not None else None
        h, w = image.shape[:2]
        result = FrameResult(self.frame)
        t_det = time.perf_counter()
        dets, source, result.detected = self._boxes(image, given)
        dets = clip_boxes(dets, w, h)
        result.timings_ms['detect'] = (time.perf_counter() - t_det) * 1e3
        t_pose = time.perf_counter()
        if len(dets):
            kp, kp_scores = self._estimate(image, dets)
            valid = kp_scores > self.kpt_thr
            pose_scores = dets[:, 4] * np.where(valid.any(1), (kp_scores * valid).sum(1) /
                                                np.maximum(valid.sum(1), 1), 0)
            areas = (dets[:, 2] - dets[:, 0]) * (dets[:, 3] - dets[:, 1])
            keep = oks_nms(kp, pose_scores, areas, self.nms_thr, self.sigmas)
            kp, kp_scores, dets, pose_scores, areas = (a[keep] for a in (kp, kp_scores, dets,
                                                                         pose_scores, areas))
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
            self.tracker.update(np.zeros((0, k, 2)), np.zeros((0, k)), np.zeros(0), t)
        result.timings_ms['pose'] = (time.perf_counter() - t_pose) * 1e3
        result.timings_ms['total'] = (time.perf_counter() - t0) * 1e3
        self._last = [i for i in result.instances if (i.keypoint_scores > self.kpt_thr).sum() >= 2]
        self._last_t = t
        self.frame += 1
        return result
