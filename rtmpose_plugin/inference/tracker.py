"""Pose tracks across frames: stable IDs by OKS matching, One-Euro smoothing per track.

Note: N poses in the frame, K keypoints, coordinates in image pixels.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np

from ..core.assignment import linear_sum_assignment
from ..checks import integer, probability
from ..core.filters import OneEuroFilter, smoothing_options
from ..core.oks import oks_matrix


@dataclass
class Track:
    track_id: int
    keypoints: np.ndarray  # (K, 2), smoothed
    scores: np.ndarray  # (K, )
    area: float
    age: int = 0  # frames since last matched
    filter: Optional[OneEuroFilter] = field(default=None, repr=False)


#: poses x tracks above which matching is greedy on the pairs over ``oks_thr`` (best OKS
#: first, as mmpose's own OKS tracking), with the OKS computed in row blocks: memory
#: stays O(block x tracks x K) however crowded a frame is
HUNGARIAN_MAX_PAIRS = 250_000
_BLOCK = 256


def _match_greedy(keypoints, prev, areas, prev_areas, sigmas, thr):
    """(rows, cols) of a greedy one-to-one matching on OKS >= thr, best first."""
    rows, cols, vals = [], [], []
    for start in range(0, len(keypoints), _BLOCK):
        sim = oks_matrix(keypoints[start:start + _BLOCK], prev, areas[start:start + _BLOCK],
                         prev_areas, sigmas)
        r, c = np.nonzero(sim >= thr)
        rows.append(r + start), cols.append(c), vals.append(sim[r, c])
    rows, cols, vals = (np.concatenate(a) for a in (rows, cols, vals))
    used_r, used_c, out_r, out_c = set(), set(), [], []
    for i in np.argsort(-vals, kind='stable'):
        if rows[i] not in used_r and cols[i] not in used_c:
            used_r.add(rows[i]), used_c.add(cols[i])
            out_r.append(rows[i]), out_c.append(cols[i])
    return np.array(out_r, np.int64), np.array(out_c, np.int64)


class Tracker:
    """Optimal (Hungarian) assignment of poses to tracks by OKS.

    Greedy on the candidate pairs for frames of more than :data:`HUNGARIAN_MAX_PAIRS` poses
    x tracks.

    Args:
        oks_thr: Minimum OKS for a pose to continue a track.
        max_age: Frames a track survives unmatched.
        sigmas: Per-keypoint OKS sigmas of the keypoint set (K must match the poses).
        smoothing: One-Euro arguments (``min_cutoff``, ``beta``, ``d_cutoff``), or None.
    """

    def __init__(self, sigmas: np.ndarray, oks_thr: float = 0.3, max_age: int = 5,
                 smoothing: Optional[Dict] = None) -> None:
        self.sigmas = np.asarray(sigmas, np.float64)
        self.oks_thr = probability('oks_thr', oks_thr)
        self.max_age = integer('max_age', max_age, 0)
        self.smoothing = smoothing_options('smoothing', smoothing)
        self.tracks: List[Track] = []
        self.next_id = 0

    def reset(self) -> None:
        self.tracks, self.next_id = [], 0

    def update(self, keypoints: np.ndarray, scores: np.ndarray, areas: np.ndarray,
               t: float) -> Tuple[np.ndarray, np.ndarray]:
        """Assign this frame's poses to tracks at time ``t`` (seconds).

        Returns:
            (ids (N, ), keypoints (N, K, 2) smoothed when smoothing is on).
        """
        n = len(keypoints)
        if keypoints.ndim != 3 or keypoints.shape[1] != len(self.sigmas):
            raise ValueError(f'poses must be (N, {len(self.sigmas)}, 2) for this keypoint set, '
                             f'got {keypoints.shape}')
        ids = np.full(n, -1, np.int64)
        matched_tracks = set()
        if n and self.tracks:
            prev = np.stack([tr.keypoints for tr in self.tracks])
            prev_areas = np.array([tr.area for tr in self.tracks])
            if n * len(prev) <= HUNGARIAN_MAX_PAIRS:
                sim = oks_matrix(keypoints, prev, areas, prev_areas, self.sigmas)
                rows, cols = linear_sum_assignment(-sim)
                good = sim[rows, cols] >= self.oks_thr
                rows, cols = rows[good], cols[good]
            else:
                rows, cols = _match_greedy(keypoints, prev, areas, prev_areas, self.sigmas,
                                           self.oks_thr)
            for r, c in zip(rows, cols):
                ids[r] = c
                matched_tracks.add(c)
        out = keypoints.astype(np.float64).copy()
        new_tracks: List[Track] = []
        for i in range(n):
            if ids[i] >= 0:
                track = self.tracks[ids[i]]
                track.age = 0
            else:
                track = Track(self.next_id, keypoints[i], scores[i], float(areas[i]))
                if self.smoothing:
                    track.filter = OneEuroFilter(**self.smoothing)
                self.next_id += 1
                new_tracks.append(track)
            if track.filter is not None:
                out[i] = track.filter(keypoints[i], t)
            track.keypoints, track.scores, track.area = out[i], scores[i], float(areas[i])
            ids[i] = track.track_id
        for j, track in enumerate(self.tracks):
            if j not in matched_tracks:
                track.age += 1
        self.tracks = [tr for tr in self.tracks if tr.age <= self.max_age] + new_tracks
        return ids, out


class MainTrack:
    """One main person kept under one ID (0) across a stream.

    Chosen when none is held, as the largest box or the box nearest the image centre, then
    followed by its track ID for as long as the tracker keeps it; a new main person is
    chosen only when that track is gone.

    Works on the pipeline's :class:`~rtmpose_plugin.inference.FrameResult`; needs the
    pipeline's tracking on.
    """
    RULES = ('largest', 'central')

    def __init__(self, rule: str = 'largest') -> None:
        if rule not in self.RULES:
            raise ValueError(f'rule must be one of {", ".join(self.RULES)}, got {rule!r}')
        self.rule = rule
        self.held: Optional[int] = None

    def reset(self) -> None:
        self.held = None

    def _pick(self, instances, image_shape) -> int:
        boxes = np.array([i.bbox for i in instances], np.float64).reshape(-1, 4)
        if self.rule == 'largest':
            key = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
        else:
            h, w = image_shape[:2]
            centres = (boxes[:, :2] + boxes[:, 2:]) / 2
            key = -np.hypot((centres[:, 0] - w / 2) / w, (centres[:, 1] - h / 2) / h)
        return int(np.argmax(key))

    def select(self, frame, image_shape):
        """The frame with only the main person.

        ``frame`` with only the main person, its track ID replaced by 0 (a copy; no
        one when the frame has no one)."""
        import copy
        instances = frame.instances
        ids = [i.track_id for i in instances]
        if not instances:
            chosen = None
        elif self.held in ids:
            chosen = instances[ids.index(self.held)]
        else:
            chosen = instances[self._pick(instances, image_shape)]
            self.held = chosen.track_id
        out = copy.copy(frame)
        out.instances = []
        if chosen is not None:
            main = copy.copy(chosen)
            main.track_id = 0
            out.instances = [main]
        return out
