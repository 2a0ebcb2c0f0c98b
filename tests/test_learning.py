"""It learns: RTMPose-t from scratch on the 4 COCO sample images reaches COCO AP >= 0.9
on them within 3 minutes of CPU (the smoke config, about a minute here)."""
import pytest


@pytest.mark.slow
def test_rtmpose_t_learns_the_coco_samples(trained_smoke):
    assert trained_smoke['metrics']['coco/AP'] >= 0.9, trained_smoke['metrics']
    assert trained_smoke['seconds'] < 180, f"training took {trained_smoke['seconds']:.0f} s"
