"""The top-down real-time pipeline of RTMPose.

Detect every K frames, between them derive each person's box from its previous pose,
estimate all crops of a frame in one batched forward, drop duplicate poses by OKS, track
and smooth.

Note: N people, K keypoints; boxes (N, 4) are x1, y1, x2, y2 in image pixels.
Models are any callables: a detector ``image -> (N, 5)`` boxes with scores, a pose
model with ``input_size`` (w, h), ``keypoints`` (its
:class:`~rtmpose_plugin.runtime.meta.KeypointSet`: K, OKS sigmas, skeleton) and
``crops (B, h, w, 3) uint8 BGR -> (keypoints (B, K, 2) in input space, scores (B, K))``,
as :class:`rtmpose_plugin.runtime.PoseModel` on any backend. Pose NMS and tracking use
the model's own sigmas, so every keypoint set is treated alike.
"""
from __future__ import annotations

import numbers
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

import numpy as np

from ..checks import FLOAT32_MAX, integer, number, one_of, probability
from ..core.filters import smoothing_options
from ..core.oks import oks_nms
from ..core.topdown import crop_person, keypoints_to_image
from .errors import InputError, ModelError
from .tracker import Tracker


#: the frame rates ``fps`` takes: from a frame every 11.6 days to a million a second
MIN_FPS, MAX_FPS = 1e-6, 1e6


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


def _from_uint16(image: np.ndarray) -> np.ndarray:
    """A uint16 frame as uint8, scaled by the bit depth its values show.

    Full 16-bit data (values past 16383) is scaled by 1/257, silently. Cameras often
    hand over 8-, 10-, 12- or 14-bit data in uint16: a frame whose values stay within
    such a depth is scaled from it, with a warning naming the depth (read as 16-bit it
    would be black).
    """
    import warnings
    peak = int(image.max())
    bits = next((b for b in (8, 10, 12, 14) if peak < 2 ** b), 16)
    if bits == 16:
        return (image / 257).astype(np.uint8)
    warnings.warn(f'a uint16 frame with values within 0-{2 ** bits - 1}: read as {bits}-bit '
                  'data, scaled to 8 bits (give uint8, or scale it yourself, to say '
                  'otherwise)', stacklevel=3)
    if bits == 8:
        return image.astype(np.uint8)
    top = 2 ** bits - 1
    return ((image.astype(np.uint32) * 255 + top // 2) // top).astype(np.uint8)


def to_bgr_uint8(image: np.ndarray) -> np.ndarray:
    """Any image as 3-channel uint8 BGR.

    Takes grayscale, BGRA, uint8, uint16 (8- to 16-bit data, see
    :func:`_from_uint16`), other integers (clipped to 0-255), and floats of every
    precision in [0, 1] (the one float convention; NaN as 0). A float frame whose values
    reach past 1.5 looks like 0-255: it is still read as [0, 1] (so clipped), with a
    warning saying to divide by 255.

    Raises:
        InputError: not an image (wrong rank, no pixels, not an array) or an unsupported
            dtype (bool, complex, object, ...).
    """
    import cv2
    if not isinstance(image, np.ndarray) or image.ndim not in (2, 3) or image.size == 0:
        raise InputError(f'expected an (H, W) or (H, W, C) image array, got '
                         f'{getattr(image, "shape", type(image).__name__)}')
    if image.dtype == np.uint16:
        image = _from_uint16(image)
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


def box_array(boxes, what: str, widths=(4, 5), error=InputError,
              finite: bool = True) -> np.ndarray:
    """Boxes as (N, 5) float32 x1 y1 x2 y2 score (a score of 1 added to (N, 4)).

    Only real numbers are taken (bool, complex, datetime and object arrays are refused),
    coordinates must fit float32, and scores are clipped into float32's range.

    Args:
        what: Named in the error (``boxes``, ``the detector``).
        widths: The row widths allowed (4 and/or 5).
        error: The error to raise (:class:`InputError` for a caller's boxes,
            :class:`ModelError` for a caller's detector, which breaks its contract).
        finite: Refuse NaN or inf (else they are kept, for the caller to drop).

    Raises:
        ``error``: with the dtype or shape found and what is expected.
    """
    want = ' or '.join(f'(N, {w})' for w in widths)
    arr = boxes if isinstance(boxes, np.ndarray) else None
    if arr is None:
        try:
            arr = np.asarray(boxes)
        except (TypeError, ValueError):
            arr = None
    if arr is None or arr.dtype == object or not (np.issubdtype(arr.dtype, np.integer) or
                                                 np.issubdtype(arr.dtype, np.floating)):
        kind = type(boxes).__name__ if arr is None or arr.dtype == object else \
            f'dtype {arr.dtype}'
        raise error(f'{what} must give an {want} array of real numbers x1 y1 x2 y2'
                    f'{" score" if 5 in widths else ""}, got {kind}')
    if arr.size == 0:
        return np.zeros((0, 5), np.float32)
    if arr.ndim != 2 or arr.shape[1] not in widths:
        raise error(f'{what} must give {want} x1 y1 x2 y2{" score" if 5 in widths else ""}, '
                    f'got shape {arr.shape}')
    arr = arr.astype(np.float64)
    if finite and not np.all(np.isfinite(arr)):
        raise error(f'{what}: boxes must be finite (a NaN or inf coordinate or score)')
    if np.any(np.abs(arr[:, :4][np.isfinite(arr[:, :4])]) > FLOAT32_MAX):
        raise error(f'{what}: a box coordinate outside float32\'s range')
    if arr.shape[1] == 4:
        arr = np.concatenate([arr, np.ones((len(arr), 1))], 1)
    arr[:, 4] = np.where(np.isfinite(arr[:, 4]), np.clip(arr[:, 4], -FLOAT32_MAX, FLOAT32_MAX),
                         arr[:, 4])
    return arr.astype(np.float32)


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
    """Boxes around each pose's confident keypoints.

    (N, 4) boxes around each pose's keypoints scoring over ``thr``, scaled about their
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
    """The top-down real-time pipeline over frames.

    Args:
        pose_model: See the module note.
        detector: ``image -> (N, 5)`` x1 y1 x2 y2 score, real numbers; any other shape
            is refused (a ``ModelError`` showing it); may be None when boxes are always
            given (bundled detections).
        det_interval: Detect every this many frames (1: every frame); between, boxes
            come from the previous poses.
        det_score_thr: Minimum detection score.
        kpt_thr: Keypoint score above which a keypoint counts (boxes from poses, drawing).
        nms_thr: OKS above which a pose duplicates a better one (>= 0; above 1, no pose
            is dropped).
        smoothing: One-Euro arguments, or None for none.
        track: Assign track IDs.
        fps: Frame rate for the filter's time base when frames carry no timestamp
            (in [1e-6, 1e6]).
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
        o = self.check_options(det_interval=det_interval, det_score_thr=det_score_thr,
                               kpt_thr=kpt_thr, nms_thr=nms_thr, smoothing=smoothing,
                               track=track, fps=fps, max_track_age=max_track_age,
                               redetect_iou=redetect_iou, max_batch=max_batch)
        if not callable(pose_model):
            raise ValueError(f'pose_model must be callable, got {type(pose_model).__name__}')
        if detector is not None and not callable(detector):
            raise ValueError(f'detector must be callable or None, got '
                             f'{type(detector).__name__}')
        keypoints = getattr(pose_model, 'keypoints', None)
        if keypoints is None:
            raise ValueError('the pose model has no keypoint set (.keypoints): open it with '
                             'rtmpose_plugin.inference.open_pose_model')
        self.pose_model, self.detector = pose_model, detector
        self.keypoints = keypoints
        self.sigmas = keypoints.sigma_array
        self.max_batch = o['max_batch']
        self.det_interval, self.det_score_thr = o['det_interval'], o['det_score_thr']
        self.kpt_thr, self.nms_thr, self.fps = o['kpt_thr'], o['nms_thr'], o['fps']
        self.redetect_iou = o['redetect_iou']
        self.tracker = Tracker(max_age=o['max_track_age'], sigmas=self.sigmas,
                               smoothing=o['smoothing']) if o['track'] else None
        self.frame = 0
        self._last: List[PoseInstance] = []
        self._last_t: Optional[float] = None

    @staticmethod
    def check_options(**options) -> dict:
        """The pipeline's options (all but the models) checked, the one rule for them.

        Callers that open models first (:class:`rtmpose_plugin.api.RTMPose`) check with
        it before opening anything.

        Raises:
            ValueError: an unknown option, or a value of the wrong type or out of range,
                naming the option, the value and what is allowed.
        """
        rules = dict(
            det_interval=lambda n, v: integer(n, v, 1),
            det_score_thr=probability, kpt_thr=probability,
            nms_thr=lambda n, v: number(n, v, 0),  # OKS is at most 1: above it, none dropped
            smoothing=smoothing_options,
            track=lambda n, v: one_of(n, v, (True, False)),
            fps=lambda n, v: number(n, v, MIN_FPS, MAX_FPS),
            max_track_age=lambda n, v: integer(n, v, 0),
            redetect_iou=lambda n, v: probability(n, v, none=True),
            max_batch=lambda n, v: integer(n, v, 1))
        unknown = sorted(set(options) - set(rules))
        if unknown:
            raise ValueError(f'unknown pipeline option(s) {", ".join(unknown)}')
        return {k: rules[k](k, v) for k, v in options.items()}

    def _estimate(self, image: np.ndarray, dets: np.ndarray) -> tuple:
        """Keypoints in image pixels and scores of each box.

        Cropped and run in batches of at most ``max_batch``, so memory stays bounded however
        many boxes there are.
        """
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
        if isinstance(timestamp, bool) or not isinstance(timestamp, numbers.Real):
            raise InputError(f'timestamp must be a number of seconds, got {timestamp!r} '
                             f'({type(timestamp).__name__})')
        try:
            t = float(timestamp)
        except OverflowError:
            raise InputError(f'timestamp {timestamp} is outside the float range') from None
        if not np.isfinite(t):
            raise InputError(f'timestamp must be finite, got {t}')
        if self._last_t is not None and t <= self._last_t:
            raise InputError(f'timestamps must increase: {t} after {self._last_t}')
        return t

    @staticmethod
    def _given_boxes(boxes) -> np.ndarray:
        """Boxes given by the caller as (N, 5) float32 (see :func:`box_array`)."""
        return box_array(boxes, 'boxes', (4, 5), InputError)

    def detection_due(self, index: int) -> bool:
        """Whether the detector runs on frame ``index`` whatever came before it.

        True on every ``det_interval``-th frame (with a detector): its output there depends
        on the image alone, so a caller may compute it ahead (``detections`` of
        :meth:`process_bgr`). Other frames may run it too (no pose to derive boxes from,
        or derived boxes that overlap), which only the frames before can tell.
        """
        return self.detector is not None and index % self.det_interval == 0

    def warm_up(self, image_size=(640, 480), batches=(1, )) -> None:
        """Run each network once on blank input, so that the first frame pays no compile.

        The detector on one blank ``image_size`` (w, h) frame, the pose model on blank crops
        at each batch size of ``batches`` (a backend that compiles per batch size, such
        as OpenVINO, compiles them now). Nothing of the pipeline's state changes.
        """
        w, h = (int(v) for v in image_size)
        if self.detector is not None:
            self.detector(np.zeros((max(h, 1), max(w, 1), 3), np.uint8))
        cw, ch = self.pose_model.input_size
        for b in sorted({min(max(int(b), 1), self.max_batch) for b in batches}):
            self.pose_model(np.zeros((b, ch, cw, 3), np.uint8))

    def _boxes(self, image: np.ndarray, given: Optional[np.ndarray],
               detections=None) -> tuple:
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
            if detections is None or not self.detection_due(self.frame):
                detections = self.detector(image)
            dets = box_array(detections, 'the detector', (5, ), ModelError, finite=False)
            return dets[np.isfinite(dets).all(1) & (dets[:, 4] >= self.det_score_thr)], \
                'detector', True
        return np.concatenate([derived, np.ones((len(derived), 1), np.float32)], 1), 'pose', False

    def __call__(self, image: np.ndarray, boxes: Optional[np.ndarray] = None,
                 timestamp: Optional[float] = None) -> FrameResult:
        """Poses in one frame.

        ``boxes``: (N, 4 or 5) to use instead of detection; ``timestamp``: seconds, increasing
        (None: the frame index / ``fps``).

        Raises:
            InputError: a frame, boxes or timestamp it cannot take; nothing of the
                pipeline's state (tracks, frame count) changes then.
        """
        return self.process_bgr(to_bgr_uint8(image), boxes, timestamp)

    def process_bgr(self, image: np.ndarray, boxes: Optional[np.ndarray] = None,
                    timestamp: Optional[float] = None, detections=None) -> FrameResult:
        """Poses in one frame already converted by :func:`to_bgr_uint8`.

        Poses in one frame already converted by :func:`to_bgr_uint8` (a caller that
        keeps the converted frame, to draw on it, converts once); else as ``__call__``.
        ``detections``: the detector's output for this image computed ahead, on a frame
        where it is due (:meth:`detection_due`; elsewhere ignored and the detector run
        as it would be), so that a caller can run the detector of the next frame while
        this one's poses are estimated."""
        t0 = time.perf_counter()
        t = self._time(timestamp)
        given = self._given_boxes(boxes) if boxes is not None else None
        h, w = image.shape[:2]
        result = FrameResult(self.frame)
        t_det = time.perf_counter()
        dets, source, result.detected = self._boxes(image, given, detections)
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
