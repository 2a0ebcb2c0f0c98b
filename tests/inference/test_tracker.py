"""The OKS tracker: IDs follow poses, new poses get new IDs, lost tracks age out, any
keypoint set's sigmas, One-Euro per track."""
import numpy as np
import pytest

from rtmpose_plugin.inference.tracker import Tracker
from rtmpose_plugin.runtime import keypoint_set


def walkers(n=3, k=17, seed=0):
    rng = np.random.default_rng(seed)
    start = rng.uniform(100, 500, (n, 1, 2)) + rng.normal(0, 20, (n, k, 2))
    return start, np.full(n, 6000.0)


@pytest.mark.parametrize('name', ['coco', 'coco_wholebody', 'crowdpose', 'mpii'])
def test_ids_follow_moving_poses_for_any_keypoint_set(name):
    kps = keypoint_set(name)
    tracker = Tracker(kps.sigma_array)
    pose, areas = walkers(k=kps.num_keypoints)
    scores = np.ones(pose.shape[:2])
    first, _ = tracker.update(pose, scores, areas, 0.0)
    assert sorted(first) == [0, 1, 2]
    for t in range(1, 6):
        order = np.roll(np.arange(3), t)  # the detector returns them in another order
        moved = pose[order] + 2.0 * t
        ids, _ = tracker.update(moved, scores, areas, t / 30)
        np.testing.assert_array_equal(ids, first[order])


def test_new_people_get_new_ids_and_lost_tracks_age_out():
    sigmas = keypoint_set('coco').sigma_array
    tracker = Tracker(sigmas, max_age=2)
    pose, areas = walkers()
    scores = np.ones((3, 17))
    ids, _ = tracker.update(pose, scores, areas, 0.0)
    ids, _ = tracker.update(pose[:1], scores[:1], areas[:1], 0.1)  # two leave
    assert list(ids) == [0]
    assert len(tracker.tracks) == 3  # kept for a while
    for t in range(2, 5):
        tracker.update(pose[:1], scores[:1], areas[:1], t / 10)
    assert [tr.track_id for tr in tracker.tracks] == [0]
    far = pose[1:2] + 1000
    ids, _ = tracker.update(np.concatenate([pose[:1], far]), scores[:2], areas[:2], 0.6)
    assert list(ids) == [0, 3]  # the newcomer is no one seen before


def test_empty_frames_and_wrong_keypoint_counts():
    tracker = Tracker(keypoint_set('mpii').sigma_array)
    ids, out = tracker.update(np.zeros((0, 16, 2)), np.zeros((0, 16)), np.zeros(0), 0.0)
    assert ids.shape == (0, ) and out.shape == (0, 16, 2)
    with pytest.raises(ValueError, match=r'\(N, 16, 2\)'):
        tracker.update(np.zeros((1, 17, 2)), np.zeros((1, 17)), np.ones(1), 0.1)


def test_one_euro_smooths_each_track():
    sigmas = keypoint_set('coco').sigma_array
    rng = np.random.default_rng(1)
    pose, areas = walkers(n=1)
    smooth = Tracker(sigmas, smoothing=dict(min_cutoff=1.0, beta=0.0))
    raw = Tracker(sigmas)
    jitter_raw, jitter_smooth = [], []
    for t in range(30):
        noisy = pose + rng.normal(0, 2.0, pose.shape)
        _, a = raw.update(noisy, np.ones((1, 17)), areas, t / 30)
        _, b = smooth.update(noisy, np.ones((1, 17)), areas, t / 30)
        jitter_raw.append(a)
        jitter_smooth.append(b)
    assert np.std(np.diff(jitter_smooth, axis=0)) < 0.5 * np.std(np.diff(jitter_raw, axis=0))
