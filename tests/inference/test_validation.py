"""Every public entry checks its arguments once, with one clear error (issue: nothing
lost and every argument checked at the door). The fuzz families cover the same ground
over thousands of drawn cases (tests/inference/test_fuzz.py)."""
import math
import warnings

import numpy as np
import pytest

from rtmpose_plugin.core.filters import OneEuroFilter
from rtmpose_plugin.errors import InputError, ModelError
from rtmpose_plugin.inference import PosePipeline
from rtmpose_plugin.inference.pipeline import to_bgr_uint8
from rtmpose_plugin.inference.tracker import Tracker
from rtmpose_plugin.testing import StandingPoseModel

BOXES = np.array([[40, 20, 140, 220, 0.9], [180, 30, 280, 230, 0.8]], np.float32)
FRAME = np.zeros((240, 320, 3), np.uint8)


@pytest.mark.parametrize('name, value', [
    ('fps', 0), ('fps', -30), ('fps', math.inf), ('fps', 5e-324), ('det_interval', '2'),
    ('det_interval', 0), ('det_interval', math.nan), ('det_interval', 1.5),
    ('smoothing', {'cutoff': 1}), ('smoothing', 'yes'), ('smoothing', {'beta': -1}),
    ('det_score_thr', math.nan), ('kpt_thr', math.nan), ('nms_thr', math.nan),
    ('redetect_iou', math.nan), ('max_track_age', -1), ('max_batch', 0), ('track', 'yes')])
def test_pipeline_arguments_are_refused_naming_the_argument(name, value):
    with pytest.raises(ValueError) as e:
        PosePipeline(StandingPoseModel(), **{name: value})
    assert str(e.value).startswith(f'{name}') and '\n' not in str(e.value)
    assert ' got ' in str(e.value) or 'unknown key' in str(e.value)


def test_tracker_and_filter_arguments():
    sigmas = StandingPoseModel().keypoints.sigma_array
    with pytest.raises(ValueError, match='oks_thr must be a finite number in'):
        Tracker(sigmas, oks_thr=math.nan)
    with pytest.raises(ValueError, match='max_age must be an integer >= 0, got -1'):
        Tracker(sigmas, max_age=-1)
    with pytest.raises(ValueError, match='beta must be'):
        OneEuroFilter(beta=math.inf)


def test_timestamps_tiny_and_huge_steps_keep_keypoints_finite():
    pipe = PosePipeline(StandingPoseModel(), smoothing=dict(min_cutoff=1.0, beta=0.5))
    t = 0.0
    for step in (5e-324, 5e-324, 1e-300, 1e-9, 1 / 30, 1e300, 1e300):
        t += step
        res = pipe(FRAME, boxes=BOXES + np.random.default_rng(0).normal(0, 2, BOXES.shape),
                   timestamp=t)
        assert all(np.isfinite(i.keypoints).all() for i in res.instances)
    with pytest.raises(InputError, match='outside the float range'):
        pipe(FRAME, boxes=BOXES, timestamp=10**400)
    for bad in ('1.5', True, 1j):
        with pytest.raises(InputError, match='timestamp must be a number'):
            pipe(FRAME, boxes=BOXES, timestamp=bad)


@pytest.mark.parametrize('dtype', [bool, complex, 'datetime64[s]', object])
def test_boxes_of_non_real_dtypes_are_refused(dtype):
    boxes = BOXES.astype('int64').astype(dtype)
    with pytest.raises(InputError, match='real numbers'):
        PosePipeline(StandingPoseModel())(FRAME, boxes=boxes)


def test_a_huge_score_stays_finite():
    boxes = BOXES.astype(np.float64)
    boxes[0, 4] = 1e300
    res = PosePipeline(StandingPoseModel(), nms_thr=2.0)(FRAME, boxes=boxes)
    assert len(res.instances) == 2 and all(math.isfinite(i.score) for i in res.instances)


@pytest.mark.parametrize('returned, shape', [(BOXES[:, :4], '(2, 4)'),
                                             (np.c_[BOXES, np.zeros(2)], '(2, 6)'),
                                             (None, 'NoneType')])
def test_a_callers_detector_is_held_to_n_by_5(returned, shape):
    pipe = PosePipeline(StandingPoseModel(), detector=lambda im: returned)
    with pytest.raises(ModelError) as e:
        pipe(FRAME)
    assert 'the detector must give (N, 5)' in str(e.value) or 'the detector must give an' \
        in str(e.value)
    assert shape in str(e.value)


@pytest.mark.parametrize('bits', [8, 10, 12, 14])
def test_uint16_frames_of_fewer_bits_are_scaled_with_a_warning(bits):
    img8 = (np.random.default_rng(0).random((32, 32, 3)) * 255).astype(np.uint8)
    img8.flat[0] = 255
    img16 = (img8.astype(np.uint32) * (2 ** bits - 1) // 255).astype(np.uint16)
    with pytest.warns(UserWarning, match=f'read as {bits}-bit data'):
        out = to_bgr_uint8(img16)
    assert np.abs(out.astype(int) - img8).max() <= 1  # as the 8-bit frame, not black


def test_full_16_bit_frames_are_read_silently():
    img = np.full((8, 8, 3), 65535, np.uint16)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert to_bgr_uint8(img).min() == 255
