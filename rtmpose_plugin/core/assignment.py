"""Minimum-cost assignment (the Hungarian method), NumPy only.

The tracker matches poses to tracks with it; it answers the same problem as
``scipy.optimize.linear_sum_assignment`` without needing SciPy at run time.
"""
from __future__ import annotations

from typing import Tuple

import numpy as np


def linear_sum_assignment(cost: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Rows and columns of a minimum-cost matching of an (N, M) cost matrix.

    Every row is matched when N <= M, every column otherwise; pairs come sorted by row.
    Shortest augmenting paths with potentials, O(min(N, M)^2 max(N, M)).

    Raises:
        ValueError: not a 2-D matrix, or not all finite.
    """
    cost = np.asarray(cost, np.float64)
    if cost.ndim != 2:
        raise ValueError(f'cost must be a 2-D matrix, got shape {cost.shape}')
    if not np.all(np.isfinite(cost)):
        raise ValueError('cost must be finite')
    transposed = cost.shape[0] > cost.shape[1]
    if transposed:
        cost = cost.T
    n, m = cost.shape
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    u = np.zeros(n + 1)
    v = np.zeros(m + 1)
    match = np.zeros(m + 1, np.int64)  # match[j]: the row (1-based) on column j; 0 free
    way = np.zeros(m + 1, np.int64)
    for i in range(1, n + 1):
        match[0] = i
        j0 = 0
        minv = np.full(m + 1, np.inf)
        used = np.zeros(m + 1, bool)
        while True:
            used[j0] = True
            i0 = match[j0]
            free = ~used[1:]
            cur = cost[i0 - 1] - u[i0] - v[1:]
            better = free & (cur < minv[1:])
            minv[1:][better] = cur[better]
            way[1:][better] = j0
            cand = np.where(free, minv[1:], np.inf)
            j1 = int(np.argmin(cand)) + 1
            delta = cand[j1 - 1]
            u[match[used]] += delta
            v[used] -= delta
            minv[1:][free] -= delta
            j0 = j1
            if match[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            match[j0] = match[j1]
            j0 = j1
    cols = np.nonzero(match[1:])[0]
    rows = match[1:][cols] - 1
    if transposed:
        rows, cols = cols, rows
    order = np.argsort(rows)
    return rows[order].astype(np.int64), cols[order].astype(np.int64)
