"""rtmlib's solutions, drop-in: ``keypoints, scores = Body()(image)``.

==============================  ==========================================================
rtmlib                          here
==============================  ==========================================================
``Body(mode=...)``              the same models per mode (:attr:`Body.MODE`); crops batched
``BodyWithFeet``, ``Wholebody`` likewise (Halpe-26; RTMW, COCO-WholeBody's 133 keypoints)
``Hand``                        likewise (RTMDet-nano hand detector, RTMPose-m Hand5)
``Custom(det=..., pose=...)``   any detector and pose model (name, file, SDK folder, zip)
``PoseTracker(Solution, ...)``  returns ``keypoints, scores`` and keeps ``track_ids``
``draw_skeleton(img, kp, sc)``  the keypoint set's own skeleton and colours
==============================  ==========================================================

Arguments are rtmlib's (``det``, ``det_input_size``, ``pose``, ``pose_input_size``,
``mode``, ``to_openpose``, ``backend``, ``device``); ``det`` and ``pose`` also take our
model names. Returns are rtmlib's: keypoints (N, K, 2) in image pixels and scores
(N, K), float32; an image with no one gives (0, K, 2) and (0, K). Unlike rtmlib, all
crops of an image go through the pose model in one batch. ``backend`` is
``onnxruntime`` (rtmlib's default), ``openvino`` or ``auto``; rtmlib's ``opencv``
(OpenCV's DNN module) is not offered.
"""
from __future__ import annotations

from typing import Dict, Optional, Tuple

import numpy as np

from .api import RTMPose
from .checks import integer, one_of, probability

__all__ = ['Body', 'BodyWithFeet', 'Wholebody', 'Hand', 'Custom', 'PoseTracker',
           'draw_skeleton', 'to_openpose']

#: COCO body order -> OpenPose's (a neck inserted between the shoulders at 1); the
#: keypoints after the first 17 (feet, face, hands) follow unchanged
_OPENPOSE_BODY = [0, -1, 6, 8, 10, 5, 7, 9, 12, 14, 16, 11, 13, 15, 2, 1, 4, 3]


def to_openpose(keypoints: np.ndarray, scores: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """COCO-ordered keypoints (N, K >= 17, 2) in OpenPose's order, as rtmlib's ``to_openpose``.

    A neck (the shoulders' midpoint, scored by the lower of the two) inserted, K + 1
    keypoints out.
    """
    neck = keypoints[:, [5, 6]].mean(1, keepdims=True)
    neck_score = scores[:, [5, 6]].min(1, keepdims=True)
    kp = np.concatenate([keypoints[:, :17], neck], 1)
    sc = np.concatenate([scores[:, :17], neck_score], 1)
    order = [17 if i < 0 else i for i in _OPENPOSE_BODY]
    return (np.concatenate([kp[:, order], keypoints[:, 17:]], 1),
            np.concatenate([sc[:, order], scores[:, 17:]], 1))


class _Solution:
    """A detector and a pose model by mode (``MODE``), called as rtmlib's solutions."""
    MODE: Dict[str, Dict[str, object]] = {}
    DEFAULT_MODE = 'balanced'

    def __init__(self, det: Optional[str] = None, det_input_size: Optional[tuple] = None,
                 pose: Optional[str] = None, pose_input_size: Optional[tuple] = None,
                 mode: Optional[str] = None, to_openpose: bool = False,
                 backend: str = 'onnxruntime', device: str = 'cpu', **options) -> None:
        mode = mode or self.DEFAULT_MODE
        if self.MODE and mode not in self.MODE:
            raise ValueError(f'{type(self).__name__} has no mode {mode!r}; it has '
                             f'{", ".join(self.MODE)}')
        if backend == 'opencv':
            raise ValueError("backend 'opencv' (OpenCV's DNN module) is not offered: use "
                             "'onnxruntime' or 'openvino'")
        table = self.MODE.get(mode, {})
        det_spec = det if det is not None else table.get('det')
        pose_spec = pose if pose is not None else table.get('pose')
        if pose_spec is None:
            raise ValueError(f'{type(self).__name__} needs a pose model (pose=...)')
        if det is not None and det_input_size is not None:
            options.setdefault('det_size', int(det_input_size[0]))
        if device == 'cuda':
            device = 'cuda:0'
        self.mode, self.to_openpose = mode, to_openpose
        self.model = RTMPose(pose_spec, det_spec, backend=backend, device=device,
                             track=options.pop('track', False), **options)
        self.det_model, self.pose_model = self.model.detector, self.model.pose_model

    def _arrays(self, result) -> Tuple[np.ndarray, np.ndarray]:
        kp, sc = result.keypoints, result.scores
        if self.to_openpose:
            kp, sc = to_openpose(kp, sc)
        return kp, sc

    def __call__(self, image: np.ndarray, bboxes: Optional[np.ndarray] = None):
        """keypoints (N, K, 2) and scores (N, K) of the people in one image (BGR).

        ``bboxes``: (N, 4) boxes to use instead of the detector.
        """
        self.model.reset()  # each image on its own, as rtmlib's solutions
        return self._arrays(self.model(image, boxes=bboxes))


class Body(_Solution):
    """17 COCO keypoints (RTMPose on Body8: rtmlib's ``Body``)."""
    MODE = {'performance': dict(det='yolox-x', pose='body-x-384'),
            'balanced': dict(det='yolox-m', pose='body'),
            'lightweight': dict(det='yolox-tiny', pose='body-s')}


class BodyWithFeet(_Solution):
    """Halpe's 26 keypoints (RTMPose on Body8-Halpe26: rtmlib's ``BodyWithFeet``)."""
    MODE = {'performance': dict(det='yolox-x', pose='body26-x-384'),
            'balanced': dict(det='yolox-m', pose='body26'),
            'lightweight': dict(det='yolox-tiny', pose='body26-s')}


class Wholebody(_Solution):
    """COCO-WholeBody's 133 keypoints (RTMW on Cocktail14: rtmlib's ``Wholebody``)."""
    MODE = {'performance': dict(det='yolox-m', pose='wholebody-l-384'),
            'balanced': dict(det='yolox-m', pose='wholebody-l'),
            'lightweight': dict(det='yolox-tiny', pose='wholebody')}


class Hand(_Solution):
    """21 hand keypoints (RTMPose-m on Hand5, RTMDet-nano hands: rtmlib's ``Hand``)."""
    MODE = {'lightweight': dict(det='rtmdet-nano-hand', pose='hand')}
    DEFAULT_MODE = 'lightweight'


class Custom(_Solution):
    """Any detector and pose model.

    ``Custom(det=..., pose=...)`` (rtmlib's ``Custom``; its ``det_class`` / ``pose_class``
    are not needed: a model says what it is).
    """

    def __init__(self, det: Optional[str] = None, pose: Optional[str] = None,
                 det_class: Optional[str] = None, pose_class: Optional[str] = None,
                 **kwargs) -> None:
        if pose_class not in (None, 'RTMPose'):
            raise ValueError(f'pose_class {pose_class!r}: only RTMPose models run here')
        if det_class not in (None, 'RTMDet', 'YOLOX'):
            raise ValueError(f'det_class {det_class!r}: RTMDet or YOLOX (MMDeploy exports)')
        super().__init__(det=det, pose=pose, **kwargs)


class PoseTracker:
    """rtmlib's ``PoseTracker``.

    A solution over a video, detecting every ``det_frequency`` frames and deriving boxes
    from the previous poses between; ``__call__`` returns ``keypoints, scores`` as rtmlib's
    does, and the frame's track IDs are in :attr:`track_ids` (OKS tracking, the pipeline's).

    Args:
        solution: A solution class (``Body``, ``Wholebody``, ...) or a callable making one
            (``functools.partial(Custom, ...)``).
        det_frequency, tracking, mode, to_openpose, backend, device: rtmlib's.
        tracking_thr: Accepted for rtmlib's signature; tracking here matches by OKS.
    """

    def __init__(self, solution, det_frequency: int = 1, tracking: bool = True,
                 tracking_thr: float = 0.3, mode: Optional[str] = None,
                 to_openpose: bool = False, backend: str = 'onnxruntime',
                 device: str = 'cpu', **options) -> None:
        det_frequency = integer('det_frequency', det_frequency, 1)
        one_of('tracking', tracking, (True, False))
        probability('tracking_thr', tracking_thr)
        kwargs = dict(to_openpose=to_openpose, backend=backend, device=device,
                      det_interval=int(det_frequency), track=bool(tracking), **options)
        if mode is not None:
            kwargs['mode'] = mode
        self.solution = solution(**kwargs)
        self.model = self.solution.model
        self.det_model, self.pose_model = self.solution.det_model, self.solution.pose_model
        self.track_ids = np.zeros(0, np.int64)

    def reset(self) -> None:
        self.model.reset()
        self.track_ids = np.zeros(0, np.int64)

    def __call__(self, image: np.ndarray, return_track_ids: bool = False):
        """The next frame's keypoints and scores, as rtmlib returns them.

        ``keypoints, scores`` of the next frame (rtmlib's return), and its track IDs
        (N, ) as a third value with ``return_track_ids``; also kept in :attr:`track_ids`."""
        result = self.model(image)
        self.track_ids = result.track_ids
        keypoints, scores = self.solution._arrays(result)
        if return_track_ids:
            return keypoints, scores, result.track_ids
        return keypoints, scores


def draw_skeleton(img: np.ndarray, keypoints: np.ndarray, scores: np.ndarray,
                  openpose_skeleton: bool = False, kpt_thr: float = 0.5,
                  keypoint_set: Optional[str] = None, **_) -> np.ndarray:
    """rtmlib's ``draw_skeleton``: ``img`` with each person's skeleton, on a copy.

    The keypoint set is told by the count (17 COCO, 26 Halpe-26, 133 COCO-WholeBody, 21
    hand, 106 LaPa) or named; OpenPose-ordered keypoints are drawn as points only.
    """
    from .inference.pipeline import FrameResult, PoseInstance
    from .inference.drawing import draw
    from .runtime.meta import KeypointSet, keypoint_set as bundled
    keypoints, scores = np.asarray(keypoints, np.float32), np.asarray(scores, np.float32)
    if keypoints.ndim == 2:
        keypoints, scores = keypoints[None], scores[None]
    k = keypoints.shape[1] if keypoints.ndim == 3 else 0
    by_count = {17: 'coco', 26: 'halpe26', 133: 'coco_wholebody', 21: 'onehand10k',
                106: 'lapa', 68: 'coco_wholebody_face', 136: 'halpe'}
    name = keypoint_set or by_count.get(k)
    if openpose_skeleton or name is None:
        kset = KeypointSet('points', [str(i) for i in range(k)], [0.05] * k)
    else:
        kset = bundled(name)
    frame = FrameResult(0, [PoseInstance(i, np.zeros(4, np.float32), kp, sc, 1.0, 'given')
                            for i, (kp, sc) in enumerate(zip(keypoints, scores))])
    return draw(img, frame, kset, kpt_thr, boxes=False)
