"""A pose model and a detector over any :class:`~.sessions.Session`.

Preprocess, run, decode, with the shared :mod:`rtmpose_plugin.core` functions and the
model's own meta.

Note: B crops, K keypoints, (w, h) the model input; crops are (B, h, w, 3) uint8 BGR.
"""
from __future__ import annotations

from typing import Optional, Tuple

import numpy as np

from ..core.image import letterbox, normalize
from ..core.simcc import decode_simcc, simcc_bins
from ..errors import InputError, ModelError
from .meta import ModelMeta
from .sessions import Session


def task_of(session: Session) -> Optional[str]:
    """What a session's outputs say it is.

    ``detection`` (MMDeploy RTMDet's ``dets``, ``labels``), ``pose`` (two rank-3 SimCC
    outputs), or None (neither, or a pose model decoded in the graph, which the model
    classes check themselves).
    """
    names, ranks = list(session.output_names), list(session.output_ranks)
    if names[:2] == ['dets', 'labels'] and ranks[:2] == [3, 2]:
        return 'detection'
    if ranks == [3, 3]:
        return 'pose'
    return None


class _Model:
    """A network on a session, with the meta it runs by."""
    session: Session
    meta: ModelMeta

    @property
    def backend(self) -> str:
        return self.session.backend

    @property
    def precision(self) -> str:
        return self.session.precision


class PoseModel(_Model):
    """A top-down RTMPose.

    Crops in, keypoints (B, K, 2) in input space and scores (B, K) out, decoded by the
    training-time decode.

    Checked when built: one (B, 3, h, w) input of the meta's size, and two outputs:
    SimCC logits (B, K, Wx), (B, K, Wy) with K the keypoint set's, or keypoints and
    scores decoded in the graph (``--decode-in-graph``): (B, K, 2), (B, K).

    Raises:
        ModelError: what was expected and what was found.
    """

    #: what the precision gate measured of a reduced-precision model, where its folder
    #: records it (:class:`rtmpose_plugin.deploy.precision.PrecisionCheck`), else None
    precision_check = None

    def __init__(self, session: Session, meta: ModelMeta, name: str = 'pose model') -> None:
        self.session, self.meta, self.name = session, meta, name
        self.input_size: Tuple[int, int] = tuple(meta.input_size)
        self.keypoints = meta.keypoints
        shape = session.input_shape
        w, h = self.input_size
        if len(shape) != 4 or shape[1] not in (3, None) or \
                any(s is not None and s != e for s, e in zip(shape[2:], (h, w))):
            raise ModelError(f'{name}: expected one image input (B, 3, {h}, {w}), found '
                             f'{_shape(shape)}')
        ranks = session.output_ranks
        if ranks == [3, 2]:
            self.decoded_in_graph = True
        elif ranks == [3, 3]:
            self.decoded_in_graph = False
        else:
            raise ModelError(f'{name}: expected the two outputs of an RTMPose export (SimCC x '
                             f'and y logits, rank 3), found {len(ranks)} output(s) of rank '
                             f'{ranks} ({", ".join(session.output_names)}): is it a pose '
                             'model?')
        self._checked = False

    @property
    def num_keypoints(self) -> int:
        return self.keypoints.num_keypoints

    def _check_outputs(self, a: np.ndarray, b: np.ndarray) -> None:
        """The first outputs against the meta: K keypoints, Wx / Wy bins."""
        k = self.num_keypoints
        if self.decoded_in_graph:
            ok = a.shape[1:] == (k, 2) and b.shape[1:] == (k, )
            want = f'(B, {k}, 2) and (B, {k})'
        else:
            wx, wy = simcc_bins(self.input_size, self.meta.split_ratio)
            ok = a.shape[1:] == (k, wx) and b.shape[1:] == (k, wy)
            want = f'(B, {k}, {wx}) and (B, {k}, {wy})'
        if not ok:
            raise ModelError(f'{self.name}: expected outputs {want} for its {k} '
                             f'{self.keypoints.name} keypoints at split ratio '
                             f'{self.meta.split_ratio:g}, found {a.shape} and {b.shape}')
        self._checked = True

    def check_crops(self, crops_bgr) -> None:
        """Refuse what is not a batch of crops of this model's input size.

        Raises:
            InputError: naming what is expected, (B, h, w, 3) uint8 BGR, and what came.
        """
        w, h = self.input_size
        if not isinstance(crops_bgr, np.ndarray) or crops_bgr.dtype != np.uint8 or \
                crops_bgr.shape[1:] != (h, w, 3):
            raise InputError(f'{self.name}: expected crops (B, {h}, {w}, 3) uint8 BGR, got '
                             f'{_described(crops_bgr)}')

    def preprocess(self, crops_bgr: np.ndarray) -> np.ndarray:
        return normalize(crops_bgr, self.meta.mean, self.meta.std, self.meta.to_rgb)

    def logits(self, crops_bgr: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Crops -> SimCC logits.

        Crops -> x (B, K, Wx) and y (B, K, Wy) SimCC logits (or, decoded in the
        graph, keypoints and scores)."""
        self.check_crops(crops_bgr)
        a, b = self.session.run(self.preprocess(crops_bgr))[:2]
        if not self._checked:
            self._check_outputs(a, b)
        return a, b

    def __call__(self, crops_bgr: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Crops -> keypoints (B, K, 2) in input space, scores (B, K).

        Raises:
            InputError: not (B, h, w, 3) uint8 crops of the model's input size.
        """
        self.check_crops(crops_bgr)
        k = self.num_keypoints
        if not len(crops_bgr):
            return np.zeros((0, k, 2), np.float32), np.zeros((0, k), np.float32)
        a, b = self.logits(crops_bgr)
        if self.decoded_in_graph:
            return a.astype(np.float32), b.astype(np.float32)
        return decode_simcc(a, b, split_ratio=self.meta.split_ratio)


class Detector(_Model):
    """An RTMDet exported by MMDeploy (NMS in the graph).

    An image in, (N, 5) boxes x1 y1 x2 y2 score in image pixels out, of ``class_id`` (0:
    person).

    The image is letterboxed and normalised as the model's meta says (MMDeploy's
    ``pipeline.json``: resize, pad value, mean/std and channel order).

    Raises:
        ModelError: not a detector export (outputs ``dets`` (B, N, 5), ``labels`` (B, N)).
    """

    def __init__(self, session: Session, meta: ModelMeta, name: str = 'detector',
                 class_id: int = 0) -> None:
        self.session, self.meta, self.name, self.class_id = session, meta, name, class_id
        self.input_size: Tuple[int, int] = tuple(meta.input_size)
        if len(session.input_shape) != 4:
            raise ModelError(f'{name}: expected one image input (B, 3, H, W), found '
                             f'{_shape(session.input_shape)}')
        if session.output_ranks[:2] != [3, 2]:
            raise ModelError(f'{name}: expected the outputs of an MMDeploy RTMDet export '
                             '(dets (B, N, 5), labels (B, N)), found rank '
                             f'{session.output_ranks} ({", ".join(session.output_names)}): '
                             'is it a detector?')

    def __call__(self, image: np.ndarray) -> np.ndarray:
        """An (H, W, 3) uint8 BGR image -> (N, 5) boxes x1 y1 x2 y2 score in its pixels.

        Raises:
            InputError: not an (H, W, 3) uint8 image with pixels.
        """
        if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 3 \
                or image.shape[2] != 3 or not image.size:
            raise InputError(f'{self.name}: expected an (H, W, 3) uint8 BGR image, got '
                             f'{_described(image)}')
        canvas, (sx, sy) = letterbox(image, self.input_size, self.meta.pad_value,
                                     self.meta.keep_ratio)
        x = normalize(canvas[None], self.meta.mean, self.meta.std, self.meta.to_rgb)
        dets, labels = self.session.run(x)[:2]
        if dets.ndim != 3 or dets.shape[-1] != 5:
            raise ModelError(f'{self.name}: expected dets (B, N, 5), found {dets.shape}')
        dets = dets[0][labels[0] == self.class_id].astype(np.float32)
        dets[:, [0, 2]] /= sx
        dets[:, [1, 3]] /= sy
        return dets


def _described(x) -> str:
    if isinstance(x, np.ndarray):
        return f'{x.dtype} array of shape {x.shape}'
    return type(x).__name__


def _shape(shape) -> str:
    return '(' + ', '.join('?' if s is None else str(s) for s in shape) + ')'


