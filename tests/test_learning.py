"""It learns: RTMPose-t from scratch on the 4 COCO sample images reaches COCO AP >= 0.9
on them within 3 minutes of CPU (the smoke config: about 50 s of wall time on 2 cores).

The bound is on this process's CPU time, all threads counted, so that other work on the
machine (a parallel test run) does not make it fail."""
import pytest


@pytest.mark.slow
def test_rtmpose_t_learns_the_coco_samples(trained_smoke):
    assert trained_smoke['metrics']['coco/AP'] >= 0.9, trained_smoke['metrics']
    assert trained_smoke['cpu_seconds'] < 180, \
        f"training took {trained_smoke['cpu_seconds']:.0f} s of CPU " \
        f"({trained_smoke['seconds']:.0f} s wall)"
