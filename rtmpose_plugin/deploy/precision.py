"""The accuracy gate of every reduced-precision model: fp16, bf16 and INT8 against fp32.

A reduced-precision model (ONNX Runtime fp16 / INT8, OpenVINO bf16 / INT8, ncnn fp16) is
run beside the fp32 model it was made from on the calibration crops. The keypoints of the
two are compared in input pixels (mean, 99th percentile, max) and as the mean OKS between
them, with the model's own keypoint set and sigmas (a crop's person box is its input
size over the 1.25 padding of the top-down crop). A crop whose reduced output is not
finite (an fp16 overflow) counts as OKS 0 and as the input's diagonal in pixels.

Below the bound (:data:`DEFAULT_BOUND` mean OKS), :func:`gate` makes the model again with
more of the layers that lose accuracy kept in fp32, group after group of
:data:`FALLBACK_GROUPS` (each backend's own means: ONNX Runtime's node exclusion and fp16
block list, NNCF's ignored scope), and measures again. If the last still fails, it
refuses with :class:`PrecisionError` unless drift is allowed.

What was measured is written into the SDK folder's ``detail.json`` under
``precision_check`` (:func:`write_check`), read back by :func:`read_check` when the model
is opened.
"""
from __future__ import annotations

import json
import os
import os.path as osp
import re
import time
from dataclasses import asdict, dataclass, field
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np

#: the default bound: the reduced model's mean OKS against fp32's keypoints
DEFAULT_BOUND = 0.99
#: the top-down crop's padding: a crop's person box is its input size over this
CROP_PADDING = 1.25
#: the layers kept in fp32 by the fallback, group after group (cumulative), as regular
#: expressions over the node names of our ONNX export (which OpenVINO's IR keeps):
#: ``norm``: the ScaleNorm of the head's MLP and the GAU's, with what feeds the first (the
#: 7x7 conv and the reshape between, whose values ScaleNorm divides by their norm);
#: ``attention``: the rest of the GAU; ``classifiers``: the SimCC x and y classifiers
#: (OpenVINO names them after their outputs); ``stem``: the backbone's stem, whose
#: input (the normalised image) INT8 loses most of the backbone's accuracy on
FALLBACK_GROUPS: Tuple[Tuple[str, str], ...] = (
    ('norm', r'^/(final_layer|mlp|gau/ln)/|^/[A-Za-z]+(_\d+)?$'),
    ('attention', r'^/gau/'),
    ('classifiers', r'^/cls_[xy]/|^simcc_[xy]$'),
    ('stem', r'^/backbone/stem/'),
)


class PrecisionError(ValueError):
    """A reduced-precision model that drifts from fp32 beyond the bound, fallback included."""


def check_bound(bound: float) -> float:
    """Raises ValueError for a bound that is not a mean OKS in [0, 1]."""
    from ..checks import probability
    return probability('the precision bound (a mean OKS)', bound)


@dataclass
class PrecisionCheck:
    """What the gate measured, as ``detail.json`` records it."""
    backend: str
    precision: str
    mean_oks: float
    p99_px: float
    max_px: float
    crops: int
    bound: float
    passed: bool
    fp32_layers: List[str] = field(default_factory=list)
    #: per fallback tried: its groups and mean OKS
    attempts: List[dict] = field(default_factory=list)
    #: frames/s of the model written over the pure reduced model's, same run (fallback only)
    fallback_speed: Optional[float] = None

    def line(self) -> str:
        """One line for the user."""
        verdict = 'passed' if self.passed else 'FAILED (drift allowed)'
        layers = f'; fp32 layers: {", ".join(self.fp32_layers)}' if self.fp32_layers else ''
        speed = f' at {self.fallback_speed:.2f}x the pure {self.precision}\'s speed' \
            if self.fallback_speed else ''
        return (f'precision check {verdict}: {self.backend} {self.precision} against fp32 on '
                f'{self.crops} crops: mean OKS {self.mean_oks:.4f} (bound {self.bound:g}), '
                f'p99 {self.p99_px:.2f} px, max {self.max_px:.2f} px{layers}{speed}')

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> 'PrecisionCheck':
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in d.items() if k in names})


def drift(reference, reduced, crops: np.ndarray) -> dict:
    """The reduced model's keypoints against the reference's on the crops.

    ``reference`` and ``reduced``: :class:`~rtmpose_plugin.runtime.estimators.PoseModel`
    (or any crops -> (keypoints (B, K, 2) in input px, scores) callable with a ``meta``).
    Returns ``mean_oks``, ``p99_px``, ``max_px`` and ``crops``.
    """
    from ..core.oks import oks_matrix
    crops = np.asarray(crops)
    if not len(crops):
        raise ValueError('the precision check needs crops; none were given')
    meta = reference.meta
    w, h = meta.input_size
    ref, _ = _batched(reference, crops)
    out, _ = _batched(reduced, crops)
    finite = np.isfinite(out).all(axis=(1, 2))
    dist = np.linalg.norm(np.where(np.isfinite(out), out, np.inf) - ref, axis=-1)
    dist = np.where(np.isfinite(dist), dist, float(np.hypot(w, h)))
    area = np.full(len(crops), w * h / CROP_PADDING**2)
    sigmas = meta.keypoints.sigma_array
    oks = np.array([oks_matrix(ref[i:i + 1], np.nan_to_num(out[i:i + 1]), area[i:i + 1],
                               area[i:i + 1], sigmas)[0, 0] if finite[i] else 0.0
                    for i in range(len(crops))])
    return dict(mean_oks=float(oks.mean()), p99_px=float(np.percentile(dist, 99)),
                max_px=float(dist.max()), crops=int(len(crops)))


def _batched(model, crops: np.ndarray, batch: int = 8):
    with np.errstate(all='ignore'):
        parts = [model(crops[i:i + batch]) for i in range(0, len(crops), batch)]
    return (np.concatenate([p[0] for p in parts]).astype(np.float64),
            np.concatenate([p[1] for p in parts]))


def layer_patterns(groups: Sequence[str]) -> List[str]:
    """The node-name patterns of fallback groups (names of :data:`FALLBACK_GROUPS`)."""
    table = dict(FALLBACK_GROUPS)
    unknown = [g for g in groups if g not in table]
    if unknown:
        raise ValueError(f'unknown fallback group(s) {unknown}; they are {list(table)}')
    return [table[g] for g in groups]


def matching_nodes(names: Sequence[str], patterns: Sequence[str]) -> List[str]:
    """The node names that match any of the patterns."""
    compiled = [re.compile(p) for p in patterns]
    return [n for n in names if any(c.search(n) for c in compiled)]


def gate(make: Callable[[List[str]], object], reference, crops: np.ndarray, backend: str,
         precision: str, bound: float = DEFAULT_BOUND, allow_drift: bool = False,
         fallback: bool = True, log: Optional[Callable[[str], None]] = None) -> PrecisionCheck:
    """Make a reduced model, measure it against fp32, fall back where it drifts.

    Args:
        make: the fallback groups to keep in fp32 (names of :data:`FALLBACK_GROUPS`,
            ``[]`` first) -> the reduced model made so (written where the caller keeps
            it) and opened, as a pose model; None where the backend cannot keep layers
            in fp32 (then only ``[]`` is asked for).
        reference: the fp32 model, opened.
        crops: (N, h, w, 3) uint8 person crops.
        bound: the least mean OKS that passes, in [0, 1].
        allow_drift: keep a model that fails (its check says so) instead of refusing.
        fallback: try the fallback groups; False: the pure reduced model only.

    Returns the check of the model made last (the one that passed, or with drift allowed
    the last tried).

    Raises:
        PrecisionError: the last model tried fails the bound and drift is not allowed.
        ValueError: a bound outside [0, 1], no crops.
    """
    bound = check_bound(bound)
    say = log or (lambda _: None)
    tries = [[]]
    if fallback:
        tries += [[g for g, _ in FALLBACK_GROUPS[:i + 1]] for i in range(len(FALLBACK_GROUPS))]
    attempts, plain, model, kept = [], None, None, []
    for groups in tries:
        made = make(groups)
        if made is None:  # the backend keeps no layers in fp32
            break
        model, kept = made, groups
        measured = drift(reference, model, crops)
        attempts.append(dict(fp32_layers=groups, mean_oks=measured['mean_oks']))
        if not groups:
            plain = model
        say(f'{backend} {precision}' + (f' with {"+".join(groups)} in fp32' if groups else '')
            + f': mean OKS {measured["mean_oks"]:.4f} against fp32 (bound {bound:g})')
        if measured['mean_oks'] >= bound:
            break
    check = PrecisionCheck(backend, precision, bound=bound,
                           passed=measured['mean_oks'] >= bound, fp32_layers=kept,
                           attempts=attempts, **measured)
    if kept and plain is not None:
        check.fallback_speed = speed_ratio(model, plain, crops)
    if not check.passed and not allow_drift:
        tried = ', '.join(f'{"+".join(a["fp32_layers"]) or "none"} {a["mean_oks"]:.4f}'
                          for a in attempts)
        raise PrecisionError(
            f'{backend} {precision} drifts from fp32: mean OKS {check.mean_oks:.4f} < bound '
            f'{bound:g} (p99 {check.p99_px:.2f} px, max {check.max_px:.2f} px over '
            f'{check.crops} crops; fp32 layers tried: {tried}); nothing was written: use '
            'fp32, or --allow-drift to keep it anyway')
    return check


def make_gated(make: Callable[[Sequence[str], str], Optional[str]], path: str, reference: str,
               reference_backend: str, backend: str, precision: str, meta, crops: np.ndarray,
               **options) -> Tuple[str, PrecisionCheck]:
    """A reduced model file made by ``make`` and passed by :func:`gate`, at ``path``.

    ``make(patterns, path)`` writes the reduced model to ``path`` with the nodes matching
    ``patterns`` kept in fp32 (None where the backend cannot keep any); each attempt is
    made in a folder of its own beside ``path``, run on ``backend`` / ``precision`` with
    ``meta`` against the fp32 model file ``reference`` (on ``reference_backend``), and
    the files of the one kept are moved beside ``path``. ``options``: :func:`gate`'s.

    Returns (path, the check). Raises :class:`PrecisionError` as :func:`gate` does,
    leaving none of the attempts behind.
    """
    import shutil

    from ..runtime.backends import open_session
    from ..runtime.estimators import PoseModel
    folder, name = osp.split(path)
    ref = PoseModel(open_session(reference, reference_backend, 'fp32'), meta,
                    name='fp32 reference')
    made = {}

    def attempt(groups):
        where = osp.join(folder, f'.try{len(made)}')
        os.makedirs(where, exist_ok=True)
        out = make(layer_patterns(groups), osp.join(where, name))
        if out is None:
            shutil.rmtree(where, ignore_errors=True)
            return None
        made[tuple(groups)] = out
        return PoseModel(open_session(out, backend, precision), meta,
                         name=f'{backend} {precision}')

    try:
        check = gate(attempt, ref, crops, backend, precision, **options)
        chosen = osp.dirname(made[tuple(check.fp32_layers)])
        for file in os.listdir(chosen):  # the model and what goes with it (weights, meta)
            os.replace(osp.join(chosen, file), osp.join(folder, file))
    finally:
        for out in made.values():
            shutil.rmtree(osp.dirname(out), ignore_errors=True)
    return path, check


def speed_ratio(model, plain, crops: np.ndarray, rounds: int = 3) -> float:
    """Frames/s of ``model`` over ``plain`` on the crops, interleaved in one run (median)."""
    batch = crops[:8]
    model(batch), plain(batch)  # warm
    ratios = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        plain(batch)
        t1 = time.perf_counter()
        model(batch)
        t2 = time.perf_counter()
        ratios.append((t1 - t0) / max(t2 - t1, 1e-9))
    return float(np.median(ratios))


DETAIL = 'detail.json'
KEY = 'precision_check'


def write_check(folder: str, check: PrecisionCheck) -> str:
    """Record the check in the folder's ``detail.json`` (made if there is none)."""
    path = osp.join(folder, DETAIL)
    doc = {}
    if osp.isfile(path):
        with open(path) as f:
            doc = json.load(f)
    doc[KEY] = check.to_dict()
    tmp = path + '.part'
    with open(tmp, 'w') as f:
        json.dump(doc, f, indent=4)
    os.replace(tmp, path)
    return path


def read_check(folder: Optional[str]) -> Optional[PrecisionCheck]:
    """The check recorded in a folder's ``detail.json``, or None."""
    path = osp.join(folder or '', DETAIL)
    if not folder or not osp.isfile(path):
        return None
    try:
        with open(path) as f:
            found = json.load(f).get(KEY)
        return PrecisionCheck.from_dict(found) if isinstance(found, dict) else None
    except (ValueError, TypeError):
        return None
