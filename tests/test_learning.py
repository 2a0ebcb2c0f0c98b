"""It learns: RTMPose-t from scratch on the 4 COCO sample images reaches COCO AP >= 0.9
on them, within a bound of CPU time that catches a training several times costlier.

The bound is on this process's CPU time, all threads counted, so that other work on the
machine (a parallel test run) does not make it fail. It was 180 s when the smoke config
took about 50 s of wall time on 2 cores; on the AMD EPYC machine of 2026-12-02 the same
code (commit 9ca157f, before that day's changes) took 236 s of CPU (121 s wall) alone and
256 s in the whole suite, so it is 330 s (1.3x the slowest seen)."""
import pytest


@pytest.mark.slow
def test_rtmpose_t_learns_the_coco_samples(trained_smoke):
    assert trained_smoke['metrics']['coco/AP'] >= 0.9, trained_smoke['metrics']
    assert trained_smoke['cpu_seconds'] < 330, \
        f"training took {trained_smoke['cpu_seconds']:.0f} s of CPU " \
        f"({trained_smoke['seconds']:.0f} s wall)"
