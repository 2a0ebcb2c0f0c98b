"""Object keypoint similarity (OKS) between poses, and OKS-based pose NMS.

Note: N, M poses, K keypoints; keypoints in image pixels; ``areas`` in pixels^2.
"""
from __future__ import annotations

from typing import Optional

import numpy as np


def oks_matrix(kpts_a: np.ndarray, kpts_b: np.ndarray, areas_a: np.ndarray,
               areas_b: np.ndarray, sigmas: np.ndarray,
               vis_a: Optional[np.ndarray] = None, vis_b: Optional[np.ndarray] = None,
               vis_thr: Optional[float] = None) -> np.ndarray:
    """(N, M) OKS of every pose in ``a`` with every pose in ``b``.

    ``exp(-d^2 / (2 (2 sigma)^2 s))`` averaged over keypoints, with ``s`` the mean of
    the two areas (as mmpose's ``oks_iou``). With ``vis_thr``, only keypoints visible
    (score > vis_thr) in both poses count; a pair with none has OKS 0.
    """
    kpts_a, kpts_b = np.asarray(kpts_a, np.float64), np.asarray(kpts_b, np.float64)
    if kpts_a.ndim != 3 or kpts_b.ndim != 3 or kpts_a.shape[1:] != kpts_b.shape[1:]:
        raise ValueError(f'keypoints must be (N, K, 2) and (M, K, 2), got {kpts_a.shape} '
                         f'and {kpts_b.shape}')
    k = kpts_a.shape[1]
    sigmas = np.asarray(sigmas, np.float64)
    if sigmas.shape != (k, ):
        raise ValueError(f'sigmas must have one value per keypoint ({k}), got {sigmas.shape}')
    variances = (2 * sigmas)**2
    d2 = ((kpts_a[:, None] - kpts_b[None])**2).sum(-1)  # (N, M, K)
    scale = (np.asarray(areas_a)[:, None] + np.asarray(areas_b)[None]) / 2 + np.spacing(1)
    e = d2 / variances / scale[..., None] / 2
    sim = np.exp(-e)
    if vis_thr is None:
        return sim.mean(-1).astype(np.float32)
    mask = (np.asarray(vis_a)[:, None] > vis_thr) & (np.asarray(vis_b)[None] > vis_thr)
    count = mask.sum(-1)
    return np.where(count > 0, (sim * mask).sum(-1) / np.maximum(count, 1), 0).astype(np.float32)


def oks_nms(keypoints: np.ndarray, scores: np.ndarray, areas: np.ndarray, thr: float,
            sigmas: np.ndarray, keypoint_scores: Optional[np.ndarray] = None,
            vis_thr: Optional[float] = None) -> np.ndarray:
    """Greedy pose NMS: keep the best-scored pose, drop those with OKS > ``thr`` to it.

    Args:
        keypoints: (N, K, 2). scores: (N, ) pose scores. areas: (N, ).
        thr: OKS above which a pose is a duplicate.
        sigmas: (K, ) the keypoint set's OKS sigmas.
        keypoint_scores: (N, K), needed with ``vis_thr``.

    Returns:
        Indices kept, best first.
    """
    n = len(keypoints)
    if n == 0:
        return np.zeros(0, np.int64)
    keypoints = np.asarray(keypoints, np.float64)
    areas = np.asarray(areas, np.float64)
    order = np.argsort(-np.asarray(scores), kind='stable')
    alive = np.ones(n, bool)
    keep = []
    for i in order:  # memory O(N K): the kept pose against the poses still in the race
        if not alive[i]:
            continue
        keep.append(i)
        alive[i] = False
        rest = np.flatnonzero(alive)
        if not len(rest):
            break
        vis = keypoint_scores
        oks = oks_matrix(keypoints[i:i + 1], keypoints[rest], areas[i:i + 1], areas[rest],
                         sigmas, None if vis is None else vis[i:i + 1],
                         None if vis is None else vis[rest], vis_thr)[0]
        alive[rest[oks > thr]] = False
    return np.array(keep, np.int64)
