"""The One-Euro filter (Casiez, Roussel and Vogel, CHI 2012) for keypoint smoothing.

A low-pass filter whose cutoff rises with speed, so slow jitter is smoothed and fast
motion lags little. Vectorised over any array shape (tracks x keypoints x coordinates).
"""
from __future__ import annotations

import math
from typing import Optional

import numpy as np

from ..checks import number, options

#: a time step shorter than this (seconds) is no time passed: the filter keeps its state
#: (a subnormal step would make the speed estimate non-finite)
MIN_STEP = 1e-9


def _alpha(cutoff: np.ndarray, dt: float) -> np.ndarray:
    tau = 1.0 / (2 * math.pi * cutoff)
    return 1.0 / (1.0 + tau / dt)


class OneEuroFilter:
    """The One-Euro filter over arrays of any shape.

    Args:
        min_cutoff: Cutoff (Hz) at rest; lower smooths more.
        beta: Cutoff increase per unit of speed; higher lags less.
        d_cutoff: Cutoff (Hz) of the speed estimate.
    """

    def __init__(self, min_cutoff: float = 1.0, beta: float = 0.0, d_cutoff: float = 1.0) -> None:
        self.min_cutoff = number('min_cutoff', min_cutoff, 0, low_open=True)
        self.beta = number('beta', beta, 0)
        self.d_cutoff = number('d_cutoff', d_cutoff, 0, low_open=True)
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
        if dt < 0:
            raise ValueError(f'time must increase: {t} after {self.t}')
        if dt < MIN_STEP:  # too small to divide by: no time passed
            return self.x.copy()
        dx = (x - self.x) / dt
        a_d = _alpha(np.asarray(self.d_cutoff), dt)
        self.dx = a_d * dx + (1 - a_d) * self.dx
        a = _alpha(self.min_cutoff + self.beta * np.abs(self.dx), dt)
        self.x = a * x + (1 - a) * self.x
        self.t = t
        return self.x.copy()


def smoothing_options(name: str, value) -> Optional[dict]:
    """One-Euro keyword arguments checked (``min_cutoff``, ``beta``, ``d_cutoff``), or None.

    Raises:
        ValueError: not a dict, an unknown key, or a value out of range.
    """
    return options(name, value, {
        'min_cutoff': lambda n, v: number(n, v, 0, low_open=True),
        'beta': lambda n, v: number(n, v, 0),
        'd_cutoff': lambda n, v: number(n, v, 0, low_open=True)})
