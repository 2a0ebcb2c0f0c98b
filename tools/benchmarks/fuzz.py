"""Fuzz families over the pipeline API (hypothesis), for tests/inference/test_fuzz.py
and tools/fuzz.py: image sizes, dtypes, channels and strides; boxes; timestamps; size
changes mid-stream; a bad frame between good ones.

Each family draws its inputs, runs the pipeline (a stand-in pose model: the API around
the network is what is fuzzed) and checks: outputs of the right shapes, finite, valid
JSON; a refused input raises InputError and leaves the pipeline's state as it was;
tracking survives a bad frame. It returns the outcome ('ok' or 'refused'); anything
else raised is a failure.
"""
import json

import numpy as np
from hypothesis import strategies as st

from rtmpose_plugin.inference import PosePipeline
from rtmpose_plugin.inference.errors import InputError

from rtmpose_plugin.testing import StandingPoseModel as StandIn

DTYPES = ['uint8', 'uint16', 'int8', 'int32', 'int64', 'float16', 'float32', 'float64',
          'bool', 'complex64', 'object']
SUPPORTED = {'uint8', 'uint16', 'int8', 'int32', 'int64', 'float16', 'float32', 'float64'}


def _check_result(res, k=17):
    for inst in res.instances:
        assert inst.keypoints.shape == (k, 2) and inst.keypoint_scores.shape == (k, )
        assert np.isfinite(inst.keypoints).all() and np.isfinite(inst.bbox).all()
    json.dumps(res.to_json(), allow_nan=False)


def _boxes_inside(h, w, n, rng):
    xy = rng.uniform(0, 1, (n, 2)) * [w * 0.7, h * 0.7]
    wh = rng.uniform(0.1, 0.3, (n, 2)) * [w, h] + 2
    return np.concatenate([xy, xy + wh, rng.uniform(0.5, 1, (n, 1))], 1)


def image(data):
    """An image of any size, dtype, channel count and memory layout."""
    h, w = data.draw(st.integers(1, 96)), data.draw(st.integers(1, 96))
    channels = data.draw(st.sampled_from([None, 1, 2, 3, 4, 5]))
    dtype = data.draw(st.sampled_from(DTYPES))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    shape = (h, w) if channels is None else (h, w, channels)
    scale = data.draw(st.sampled_from([1.0, 255.0, 65535.0, -3.0]))
    values = rng.random(shape) * scale
    if data.draw(st.booleans()) and dtype.startswith('float'):
        values.flat[rng.integers(0, values.size)] = data.draw(st.sampled_from([np.nan, np.inf]))
    img = values.astype(dtype)
    layout = data.draw(st.sampled_from(['contiguous', 'strided', 'fortran', 'flipped']))
    if layout == 'strided':
        img = np.repeat(np.repeat(img, 2, 0), 2, 1)[::2, ::2]
    elif layout == 'fortran':
        img = np.asfortranarray(img)
    elif layout == 'flipped':
        img = img[::-1, ::-1]
    return img, dtype, channels


def family_images(data) -> str:
    img, dtype, channels = image(data)
    pipe = PosePipeline(StandIn())
    boxes = _boxes_inside(max(img.shape[0], 1), max(img.shape[1], 1), 2, np.random.default_rng(0))
    try:
        res = pipe(img, boxes=boxes)
    except InputError:
        assert dtype not in SUPPORTED or channels in (2, 5), (dtype, channels)
        assert pipe.frame == 0
        return 'refused'
    assert dtype in SUPPORTED and channels in (None, 1, 3, 4)
    _check_result(res)
    return 'ok'


def family_boxes(data) -> str:
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    ndim = data.draw(st.integers(0, 3))
    shape = tuple(data.draw(st.integers(0, 7)) for _ in range(ndim))
    boxes = rng.uniform(-100, 700, shape)
    if boxes.size and data.draw(st.booleans()):
        boxes.flat[rng.integers(0, boxes.size)] = data.draw(
            st.sampled_from([np.nan, np.inf, -np.inf, 1e30]))
    as_list = data.draw(st.booleans())
    pipe = PosePipeline(StandIn())
    try:
        res = pipe(np.zeros((480, 640, 3), np.uint8), boxes=boxes.tolist() if as_list else boxes)
    except InputError:
        assert pipe.frame == 0
        return 'refused'
    arr = np.asarray(boxes)
    assert arr.size == 0 or (arr.ndim == 2 and arr.shape[1] in (4, 5)
                             and np.isfinite(arr).all())
    assert len(res.instances) <= max(len(arr), 0)
    _check_result(res)
    return 'ok'


def family_timestamps(data) -> str:
    pipe = PosePipeline(StandIn(), smoothing=dict(min_cutoff=1.0, beta=0.02))
    frame = np.zeros((240, 320, 3), np.uint8)
    boxes = _boxes_inside(240, 320, 3, np.random.default_rng(1))
    stamps = data.draw(st.lists(st.one_of(st.none(), st.floats(allow_nan=True,
                                                                allow_infinity=True),
                                          st.sampled_from([0.0, 1.0, 'x'])), max_size=8))
    refused = 0
    for t in stamps:
        before = (pipe.frame, pipe._last_t, [tr.track_id for tr in pipe.tracker.tracks])
        try:
            _check_result(pipe(frame, boxes=boxes, timestamp=t))
        except InputError:
            refused += 1
            assert before == (pipe.frame, pipe._last_t,
                              [tr.track_id for tr in pipe.tracker.tracks])
    def after(t):
        return max(t + 1.0, float(np.nextafter(t, np.inf)))

    last = pipe._last_t if pipe._last_t is not None else 0.0
    if np.isfinite(after(after(last))):  # a good frame still works, untimed and timed
        _check_result(pipe(frame, boxes=boxes))
        _check_result(pipe(frame, boxes=boxes, timestamp=after(pipe._last_t)))
    elif not np.isfinite(after(last)):  # nothing follows the largest float: said, state kept
        try:
            pipe(frame, boxes=boxes)
            raise AssertionError(f'a frame was taken after t = {last}')
        except InputError:
            assert pipe._last_t == last
    return 'refused' if refused else 'ok'


def family_size_changes(data) -> str:
    pipe = PosePipeline(StandIn(), detector=lambda im: _boxes_inside(*im.shape[:2], 2,
                                                                     np.random.default_rng(2)),
                        det_interval=data.draw(st.integers(1, 4)),
                        smoothing=dict(min_cutoff=1.0, beta=0.02))
    for _ in range(data.draw(st.integers(1, 6))):
        h, w = data.draw(st.integers(8, 300)), data.draw(st.integers(8, 300))
        _check_result(pipe(np.zeros((h, w, 3), np.uint8)))
    return 'ok'


def family_bad_frame_between_good(data) -> str:
    pipe = PosePipeline(StandIn())
    boxes = _boxes_inside(240, 320, 3, np.random.default_rng(3))
    good = np.zeros((240, 320, 3), np.uint8)
    ids = sorted(i.track_id for i in pipe(good, boxes=boxes).instances)
    bad = data.draw(st.sampled_from([np.zeros(0), np.zeros((5, )), np.zeros((4, 4, 2)),
                                     np.zeros((8, 8, 3), complex), 'frame', None]))
    try:
        pipe(bad, boxes=boxes)
        raise AssertionError(f'a bad frame was taken: {getattr(bad, "shape", bad)}')
    except InputError:
        pass
    assert sorted(i.track_id for i in pipe(good, boxes=boxes).instances) == ids
    return 'refused'


FAMILIES = {name[len('family_'):]: fn for name, fn in globals().items()
            if name.startswith('family_')}
