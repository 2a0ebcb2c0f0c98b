"""The Python front door.

:class:`RTMPose`, a pose model and a person detector opened from a name, file, SDK
folder, zip (or its URL) or config, run as the CLI runs them.

    from rtmpose_plugin import RTMPose
    model = RTMPose('body', det='rtmdet-nano')      # names: `rtmpose models`
    result = model(image)                           # one frame: a PoseResult
    result.keypoints, result.scores                 # (N, K, 2) image pixels, (N, K)
    for result in model.stream('video.mp4'):        # or a folder, an image, a camera index
        ...

========================  ===========================================================
``pose`` / ``det``        a model name, an SDK folder or zip (path or URL), a model
                          file (``.onnx``, ``.xml``, ``.param``, ``.engine``) or a config
                          with ``pose_checkpoint`` / ``det_checkpoint``
``backend``/``precision`` ``auto`` (the fastest on this CPU, said in one line), one
                          of ``tools/pose.py --backend`` / ``--precision``, or a
                          ``Choice`` from ``inference.cli.choose_backend``
``track``                 ``True``: track IDs; ``'main'``: one main person (the largest,
                          or with ``main='central'`` the most central) kept under ID 0;
                          ``False``: none
``stream(source)``        a generator of one :class:`PoseResult` per frame
========================  ===========================================================

Successive calls are successive frames of one stream (track IDs, the detector every
``det_interval`` frames, smoothing); :meth:`RTMPose.reset` starts a new one, and
:meth:`RTMPose.stream` does so itself.
"""
from __future__ import annotations

import logging
from typing import Dict, Iterator, List, Optional, Tuple, Union

import numpy as np

from .checks import one_of
from .inference.cli import open_models
from .inference.pipeline import FrameResult, PosePipeline
from .inference.drawing import draw
from .inference.sources import iter_frames
from .inference.tracker import MainTrack
from .runtime.meta import KeypointSet

__all__ = ['RTMPose', 'PoseResult']

logger = logging.getLogger('rtmpose_plugin.pose')  # the CLI's: which backend, what was assumed


class PoseResult:
    """The people found in one frame.

    Attributes:
        boxes: (N, 4) x1 y1 x2 y2 in image pixels.
        box_scores: (N, ) the pose scores (box score x mean visible keypoint score).
        keypoints: (N, K, 2) x, y in image pixels.
        scores: (N, K) keypoint scores.
        track_ids: (N, ) int.
        keypoint_set: the model's :class:`~rtmpose_plugin.runtime.KeypointSet`.
        name: the frame's name (file name, or ``<video>_<index>``); ``error``: why a frame
            of a stream could not be read (then no people), else None.
        frame: the pipeline's :class:`~rtmpose_plugin.inference.FrameResult`.
    """

    def __init__(self, frame: FrameResult, keypoint_set: KeypointSet, name: str = '',
                 error: Optional[str] = None, kpt_thr: float = 0.3) -> None:
        self.frame, self.keypoint_set, self.name, self.error = frame, keypoint_set, name, error
        self.kpt_thr = kpt_thr
        inst = frame.instances
        k = keypoint_set.num_keypoints
        self.boxes = np.array([i.bbox for i in inst], np.float32).reshape(-1, 4)
        self.box_scores = np.array([i.score for i in inst], np.float32)
        self.keypoints = np.array([i.keypoints for i in inst], np.float32).reshape(-1, k, 2)
        self.scores = np.array([i.keypoint_scores for i in inst], np.float32).reshape(-1, k)
        self.track_ids = np.array([i.track_id for i in inst], np.int64)

    def __len__(self) -> int:
        return len(self.boxes)

    def __repr__(self) -> str:
        return (f'PoseResult({self.name!r}: {len(self)} people, '
                f'{self.keypoint_set.num_keypoints} {self.keypoint_set.name} keypoints)')

    @property
    def parts(self) -> List[str]:
        """The part names :meth:`part` takes for this keypoint set."""
        return list(self.keypoint_set.parts())

    def part(self, name: str) -> Tuple[np.ndarray, np.ndarray]:
        """(keypoints (N, P, 2), scores (N, P)) of a named part (:attr:`parts`).

        ``left_hand``, ``right_hand``, ``face``, ``feet``, ``body``, ``hand``, ``all``.

        Raises:
            KeyError: a part this keypoint set does not have (the message lists them).
        """
        parts = self.keypoint_set.parts()
        if name not in parts:
            raise KeyError(f'the {self.keypoint_set.name} keypoint set has no part {name!r}; '
                           f'it has {", ".join(parts)}')
        idx = parts[name]
        return self.keypoints[:, idx], self.scores[:, idx]

    def plot(self, image: np.ndarray) -> np.ndarray:
        """``image`` (BGR) with the boxes, track IDs and skeletons drawn on a copy."""
        return draw(image, self.frame, self.keypoint_set, self.kpt_thr)

    def to_json(self) -> dict:
        return dict(name=self.name, **self.frame.to_json())


class RTMPose:
    """A top-down pose estimator: a detector, then RTMPose on every box (batched).

    Args:
        pose: See the module note (default ``body``: RTMPose-m on Body8, COCO keypoints),
            or where it was located (:class:`~rtmpose_plugin.inference.opener.Located`).
        det: The detector (default ``rtmdet-nano``); None when boxes are always given.
        backend, precision, device, threads: As ``tools/pose.py``'s options.
        pose_checkpoint, det_checkpoint: For a config (or to override a name's).
        keypoints: The keypoint set of a foreign pose model that does not say it.
        calibration: int8 calibration and precision-check data: a folder of images, a
            video (people found by the detector) or the sample-data folder.
        det_size: The detector's input size, where the model does not say it.
        det_interval, det_thr, kpt_thr, nms_thr, redetect_iou, max_batch: As
            :class:`~rtmpose_plugin.inference.PosePipeline`'s.
        smoothing: One-Euro filter arguments, ``True`` for the CLI's (min_cutoff 1,
            beta 0.02), or None / False for none.
        track: ``True``, ``'main'`` or ``False`` (see the module note).
        main: For ``track='main'``: ``'largest'`` or ``'central'``.
        precision_bound, allow_drift: The precision gate of a conversion (fp16, int8):
            the least mean OKS against fp32, and whether a model below it is kept;
            :attr:`precision_check` says what was measured.
        calibration_first_frames: calibrate on a video's first frames (the input of a
            run calibrating on itself) rather than on frames spread over it.

    Raises:
        FileNotFoundError, ValueError (``ModelError``, ``InputError``), RuntimeError:
            one line each, as the CLI prints them.
    """

    def __init__(self, pose: str = 'body', det: Optional[str] = 'rtmdet-nano', *,
                 backend='auto', precision: str = 'auto', device: str = 'cpu',
                 threads: int = 0, pose_checkpoint: Optional[str] = None,
                 det_checkpoint: Optional[str] = None, keypoints: Optional[str] = None,
                 calibration: Optional[str] = None, det_size: Optional[int] = None,
                 det_interval: int = 1, det_thr: float = 0.5, kpt_thr: float = 0.3,
                 nms_thr: float = 0.9, redetect_iou: Optional[float] = None,
                 smoothing: Union[None, bool, Dict] = None, track: Union[bool, str] = True,
                 main: str = 'largest', max_batch: int = 64,
                 precision_bound: Optional[float] = None, allow_drift: bool = False,
                 calibration_first_frames: bool = False) -> None:
        one_of('track', track, (True, False, 'main'))
        one_of('main', main, MainTrack.RULES)
        if smoothing is True:
            smoothing = dict(min_cutoff=1.0, beta=0.02)
        # checked before any model is opened (a download, an export, a compile)
        options = PosePipeline.check_options(
            det_interval=det_interval, det_score_thr=det_thr, kpt_thr=kpt_thr,
            nms_thr=nms_thr, smoothing=smoothing or None, track=bool(track),
            redetect_iou=redetect_iou, max_batch=max_batch)
        self.pose_model, self.detector, self.backend, self.precision = open_models(
            pose, det, backend, precision, device, threads, pose_checkpoint, det_checkpoint,
            keypoints, calibration, det_size, log=logger, precision_bound=precision_bound,
            allow_drift=allow_drift, calibration_first_frames=calibration_first_frames)
        self.pipeline = PosePipeline(self.pose_model, self.detector, **options)
        self.main = MainTrack(main) if track == 'main' else None

    @property
    def keypoint_set(self) -> KeypointSet:
        return self.pose_model.keypoints

    @property
    def precision_check(self):
        """What the precision gate measured of the pose model (fp16 / bf16 / INT8), or None.

        A :class:`rtmpose_plugin.deploy.precision.PrecisionCheck`: ``mean_oks``,
        ``p99_px``, ``max_px``, ``crops``, ``bound``, ``passed``, ``fp32_layers``."""
        return self.pose_model.precision_check

    def reset(self) -> None:
        """Start a new stream: tracks, the detection schedule and filters forgotten."""
        self.pipeline.reset()
        if self.main is not None:
            self.main.reset()

    def _result(self, frame: FrameResult, image_shape, name: str = '',
                error: Optional[str] = None) -> PoseResult:
        if self.main is not None:
            frame = self.main.select(frame, image_shape)
        return PoseResult(frame, self.keypoint_set, name, error, self.pipeline.kpt_thr)

    def __call__(self, image: np.ndarray, boxes: Optional[np.ndarray] = None,
                 timestamp: Optional[float] = None) -> PoseResult:
        """The people in one frame (BGR, as OpenCV reads it; any dtype the pipeline takes).

        ``boxes``: (N, 4 or 5) to use instead of the detector.
        """
        frame = self.pipeline(image, boxes=boxes, timestamp=timestamp)
        return self._result(frame, np.shape(image))

    def stream(self, source: Union[str, int], max_frames: Optional[int] = None,
               reference: Optional[str] = None,
               keep_all_frames: bool = False) -> Iterator[PoseResult]:
        """One result per frame of a source.

        One :class:`PoseResult` per frame of an image, a folder of images, a video, a
        camera index or a stream URL (a camera runs until the caller stops iterating). A
        frame that cannot be read gives a result with ``error`` set and no people. Frames
        are decoded (and detected, where due) ahead in a thread; a camera or stream
        faster than the caller drops the frames it cannot keep up with unless
        ``keep_all_frames``."""
        from .inference.errors import InputError
        from .inference.runner import estimate, is_live, read_ahead
        self.reset()
        count = 0
        reader = read_ahead(self.pipeline, iter_frames(source, reference=reference),
                            live=is_live(source), keep_all_frames=keep_all_frames)
        try:
            for item in reader:
                if max_frames is not None and count >= max_frames:
                    return
                error = item.error
                if error is None:
                    try:
                        frame = estimate(self.pipeline, item)
                    except InputError as e:
                        error = str(e)
                if error is not None:
                    yield PoseResult(FrameResult(count), self.keypoint_set, item.name, error)
                else:
                    yield self._result(frame, item.image.shape, item.name)
                count += 1
        finally:
            reader.close()
