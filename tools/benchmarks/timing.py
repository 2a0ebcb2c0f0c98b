"""Timing implementations of the same thing, interleaved, in one process.

The one helper every benchmark times with.
"""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Callable, Dict, Optional, Sequence

#: seconds of rest before each block, so that the last runner's spinning threads rest
PAUSE = 0.05


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
    """Median time per call, alternating ours and the reference.

    Median time per call, alternating ours and the reference so that both see the
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


def frames_per_second(runners: Dict[str, Callable[[int], object]], items: int, repeats: int,
                      block: int = 10, reset: Optional[Sequence[Callable[[], None]]] = None,
                      pause: float = PAUSE) -> Dict[str, float]:
    """Items per second of each runner, interleaved in blocks.

    Items per second of each runner (``runner(i)`` runs item ``i``), interleaved in
    blocks of ``block`` items after one untimed pass, the order rotating from block to
    block, with a rest before each block; ``reset`` runs before every pass (a
    pipeline's tracks and detection schedule)."""
    seconds = {k: 0.0 for k in runners}
    names = list(runners)
    for rep in range(repeats + 1):  # the first pass warms up, untimed
        for fn in reset or ():
            fn()
        for i, first in enumerate(range(0, items, block)):
            shift = (i + rep) % len(names)
            for name in names[shift:] + names[:shift]:
                time.sleep(pause)
                for f in range(first, min(first + block, items)):
                    t0 = time.perf_counter()
                    runners[name](f)
                    if rep:
                        seconds[name] += time.perf_counter() - t0
    return {k: repeats * items / v for k, v in seconds.items()}
