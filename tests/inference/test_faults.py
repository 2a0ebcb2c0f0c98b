"""Bad input and faults (issue 14): a clear error of the right kind, or every frame that
could be had; never a traceback, a silent wrong answer or lost state."""
import json
import tracemalloc

import numpy as np
import pytest

from rtmpose_plugin.inference import PosePipeline
from rtmpose_plugin.inference.errors import InputError, ModelError
from rtmpose_plugin.testing import StandingPoseModel as StandIn


BOXES = np.array([[100, 50, 200, 300, 0.9], [300, 60, 400, 320, 0.8]], np.float32)
FRAME = np.full((480, 640, 3), 90, np.uint8)


def test_bad_timestamps_are_refused_and_leave_the_tracker_as_it_was():
    pipe = PosePipeline(StandIn(), smoothing=dict(min_cutoff=1.0, beta=0.02))
    pipe(FRAME, boxes=BOXES, timestamp=0.0)
    tracks = [(t.track_id, t.keypoints.copy()) for t in pipe.tracker.tracks]
    for bad in (float('nan'), float('inf'), 0.0, -1.0, 'soon'):
        with pytest.raises(InputError, match='timestamp'):
            pipe(FRAME, boxes=BOXES, timestamp=bad)
    assert pipe.frame == 1
    assert [(t.track_id, t.keypoints.tolist()) for t in pipe.tracker.tracks] == \
        [(i, k.tolist()) for i, k in tracks]
    res = pipe(FRAME, boxes=BOXES, timestamp=0.04)  # good frames go on
    assert sorted(i.track_id for i in res.instances) == [0, 1]
    assert np.isfinite(np.stack([i.keypoints for i in res.instances])).all()


@pytest.mark.parametrize('boxes', [np.zeros((2, 2)), np.zeros((2, 3)), np.float32(3.0),
                                   np.zeros((2, 6)), np.zeros((2, 2, 4)),
                                   np.array([[0, 0, 10, 10, np.nan]]),
                                   np.array([[0, 0, np.inf, 10]]), 'boxes'])
def test_boxes_of_the_wrong_shape_or_not_finite_are_refused(boxes):
    pipe = PosePipeline(StandIn())
    with pytest.raises(InputError, match='boxes'):
        pipe(FRAME, boxes=boxes)
    assert pipe.frame == 0


@pytest.mark.parametrize('boxes', [np.zeros((0, 4)), [], BOXES[:, :4], BOXES])
def test_boxes_that_are_fine(boxes):
    res = PosePipeline(StandIn())(FRAME, boxes=boxes)
    assert len(res.instances) == (len(boxes) and 2)


def test_json_never_holds_nan_or_inf():
    res = PosePipeline(StandIn(value=np.nan), track=False)(FRAME, boxes=BOXES)
    text = json.dumps(res.to_json(), allow_nan=False)
    assert 'NaN' not in text and json.loads(text)['instances'][0]['keypoints'][0] == [None, None]


def test_every_float_precision_follows_one_convention():
    pipe = PosePipeline(StandIn(), track=False)
    rng = np.random.default_rng(0)
    image = rng.random((120, 160, 3))
    from rtmpose_plugin.inference import to_bgr_uint8
    ref = to_bgr_uint8((image * 255).round().astype(np.uint8))
    for dtype in (np.float16, np.float32, np.float64):
        out = to_bgr_uint8(image.astype(dtype))
        assert np.abs(out.astype(int) - ref.astype(int)).max() <= 1, dtype
    with pytest.warns(UserWarning, match='divide a 0-255 frame by 255'):
        pipe((image * 255).astype(np.float32), boxes=BOXES)
    for bad in (image.astype(np.complex64), image.astype(bool), image.astype(object)):
        with pytest.raises(InputError, match='unsupported image dtype'):
            pipe(bad, boxes=BOXES)


def test_ten_thousand_boxes_in_bounded_batches_and_memory():
    model = StandIn()
    pipe = PosePipeline(model, track=False, nms_thr=2.0, max_batch=64)
    rng = np.random.default_rng(0)
    xy = rng.uniform((0, 0), (500, 340), (10000, 2))  # inside the 640x480 frame
    boxes = np.concatenate([xy, xy + rng.uniform(20, 120, (10000, 2))], 1)
    tracemalloc.start()
    res = pipe(FRAME, boxes=boxes)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert max(model.calls) == 64 and sum(model.calls) == 10000
    assert len(res.instances) == 10000
    assert peak < 2 * 2**30, f'{peak / 2**30:.2f} GiB'


def test_a_model_error_stops_the_run_and_is_not_an_unreadable_image(tmp_path):
    import cv2

    from rtmpose_plugin.inference import run

    class Broken(StandIn):
        def __call__(self, crops):
            raise ModelError('expected (B, 17, 384), found (B, 133, 384)')

    cv2.imwrite(str(tmp_path / 'a.jpg'), FRAME)
    with pytest.raises(ModelError, match='found'):
        run(PosePipeline(Broken()), str(tmp_path / 'a.jpg'), str(tmp_path / 'out'),
            boxes_for=lambda name: BOXES, progress=False)


def test_three_thousand_tracked_boxes_in_bounded_memory():
    """The issue's 3,000 boxes, tracked over two frames (greedy matching on the pairs over
    the OKS threshold past HUNGARIAN_MAX_PAIRS)."""
    pipe = PosePipeline(StandIn(), nms_thr=2.0, smoothing=dict(min_cutoff=1.0, beta=0.02))
    rng = np.random.default_rng(1)
    xy = rng.uniform(0, 3000, (3000, 2))
    boxes = np.concatenate([xy, xy + rng.uniform(40, 60, (3000, 2))], 1)
    frame = np.full((3100, 3100, 3), 90, np.uint8)
    tracemalloc.start()
    first = pipe(frame, boxes=boxes)
    second = pipe(frame, boxes=boxes + 1.0)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(first.instances) == len(second.instances) == 3000
    a = {tuple(np.round(i.bbox[:2])): i.track_id for i in first.instances}
    same = sum(a.get(tuple(np.round(i.bbox[:2] - 1.0))) == i.track_id for i in second.instances)
    assert same >= 0.95 * 3000  # nearly every person keeps its ID
    assert peak < 2 * 2**30, f'{peak / 2**30:.2f} GiB'
