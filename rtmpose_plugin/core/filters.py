"""The One-Euro filter (Casiez, Roussel and Vogel, CHI 2012) for keypoint smoothing:
a low-pass filter whose cutoff rises with speed, so slow jitter is smoothed and fast
motion lags little. Vectorised over any array shape (tracks x keypoints x coordinates).
"""
from __future__ import annotations

import math
from typing import Optional

import numpy as np


def _alpha(cutoff: np.ndarray, dt: float) -> np.ndarray:
    tau = 1.0 / (2 * math.pi * cutoff)
    return 1.0 / (1.0 + tau / dt)


class OneEuroFilter:
    """Args:
        min_cutoff: Cutoff (Hz) at rest; lower smooths more.
        beta: Cutoff increase per unit of speed; higher lags less.
        d_cutoff: Cutoff (Hz) of the speed estimate.
    """

    def __init__(self, min_cutoff: float = 1.0, beta: float = 0.0, d_cutoff: float = 1.0) -> None:
        if min_cutoff <= 0 or d_cutoff <= 0 or beta < 0:
            raise ValueError(f'cutoffs must be > 0 and beta >= 0, got min_cutoff={min_cutoff}, '
                             f'beta={beta}, d_cutoff={d_cutoff}')
        self.min_cutoff, self.beta, self.d_cutoff = min_cutoff, beta, d_cutoff
        self.x: Optional[np.ndarray] = None
        self.dx: Optional[np.ndarray] = None
        self.t: Optional[float] = None

    def __call__(self, x: np.ndarray, t: float) -> np.ndarray:
        """Filter the sample ``x`` taken at time ``t`` (seconds, increasing)."""
        x = np.asarray(x, np.float64)
        if self.x is None:
            self.x, self.dx, self.t = x.copy(), np.zeros_like(x), t
            return x.copy()
        if x.shape != self.x.shape:
            raise ValueError(f'sample shape {x.shape} differs from the filter\'s {self.x.shape}')
        dt = t - self.t
        if dt <= 0:
            raise ValueError(f'time must increase: {t} after {self.t}')
        dx = (x - self.x) / dt
        a_d = _alpha(np.asarray(self.d_cutoff), dt)
        self.dx = a_d * dx + (1 - a_d) * self.dx
        a = _alpha(self.min_cutoff + self.beta * np.abs(self.dx), dt)
        self.x = a * x + (1 - a) * self.x
        self.t = t
        return self.x.copy()
