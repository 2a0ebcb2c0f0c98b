"""Timing two implementations of the same thing, interleaved, in one process."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Callable


@dataclass
class Comparison:
    """Median seconds per call of ours and of the reference; ratio = ours / ref."""
    name: str
    ours_s: float
    ref_s: float

    @property
    def ratio(self) -> float:
        return self.ours_s / self.ref_s

    @property
    def speedup(self) -> float:
        return self.ref_s / self.ours_s

    def row(self) -> str:
        return (f'| {self.name} | {self.ours_s * 1e3:.3f} | {self.ref_s * 1e3:.3f} | '
                f'{self.ratio:.3f} | {self.speedup:.1f}x |')


HEADER = ('| case | ours (ms) | reference (ms) | ratio ours/ref | speed-up |\n'
          '|---|---|---|---|---|')


def compare(name: str, ours: Callable[[], object], ref: Callable[[], object], repeats: int = 50,
            warmup: int = 5, inner: int = 1) -> Comparison:
    """Median time per call, alternating ours and the reference so that both see the
    same machine state; ``inner`` calls are timed together for very short calls."""
    for _ in range(warmup):
        ours(), ref()
    t_ours, t_ref = [], []
    for i in range(repeats):
        order = (ours, t_ours), (ref, t_ref)
        for fn, acc in (order if i % 2 == 0 else order[::-1]):
            t0 = time.perf_counter()
            for _ in range(inner):
                fn()
            acc.append((time.perf_counter() - t0) / inner)
    return Comparison(name, statistics.median(t_ours), statistics.median(t_ref))
