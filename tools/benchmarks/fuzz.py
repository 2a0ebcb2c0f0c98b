"""Fuzz families over the pipeline API and the command line (hypothesis).

For tests/inference/test_fuzz.py and tools/fuzz.py. The families: image sizes, dtypes,
channels and strides; boxes and their dtypes; timestamps, their steps subnormal and
huge; size changes mid-stream; a bad frame between good ones; every constructor
argument of the pipeline, the tracker and the filter (type, NaN, inf, negative, zero,
huge); a caller's detector and its return shapes; uint16 bit depths; direct
``PoseModel`` and ``Detector`` calls; every numeric CLI option; the CLI's input files
(``--bundled-dets``).

Each family draws its inputs, runs them (a stand-in pose model: the API around the
network is what is fuzzed) and judges the outcome against its own statement of what
is valid, written apart from the package's checks: ``ok`` (taken, outputs of the right
shapes, finite, valid JSON) or ``refused`` (a one-line error of the documented kind,
naming the argument, the pipeline's state as it was). :func:`classify` runs a family
and calls anything else a ``crash`` (another exception) or ``silent`` (a wrong result,
or a bad value taken without a word).
"""
import json

import numpy as np
from hypothesis import strategies as st

from rtmpose_plugin.inference import PosePipeline
from rtmpose_plugin.inference.errors import InputError, ModelError

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


# ---------------------------------------------------------------- arguments

#: values every numeric argument is tried with
VALUES = [0, 1, 2, -1, 1e-7, 1e-6, 1e6, 2e6, 0.5, 1.5, -0.5, 5, 64, 1e300, 10**30,
          float('nan'), float('inf'),
          float('-inf'), 5e-324, '2', '0.5', None, True, False, 1 + 2j, [1], {}, np.int64(3),
          np.float32(0.25)]


def _real(v):
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def _finite(v):
    return _real(v) and np.isfinite(float(v))


def _int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


#: what each argument takes, written from the documentation (not from the package's checks)
PIPELINE_ARGS = {
    'det_interval': lambda v: _int(v) and v >= 1,
    'det_score_thr': lambda v: _finite(v) and 0 <= v <= 1,
    'kpt_thr': lambda v: _finite(v) and 0 <= v <= 1,
    'nms_thr': lambda v: _finite(v) and v >= 0,
    'fps': lambda v: _finite(v) and 1e-6 <= v <= 1e6,
    'max_track_age': lambda v: _int(v) and v >= 0,
    'redetect_iou': lambda v: v is None or (_finite(v) and 0 <= v <= 1),
    'max_batch': lambda v: _int(v) and v >= 1,
    'track': lambda v: v is True or v is False,
}
SMOOTHING_KEYS = {'min_cutoff': lambda v: _finite(v) and v > 0,
                  'beta': lambda v: _finite(v) and v >= 0,
                  'd_cutoff': lambda v: _finite(v) and v > 0}


def _refused_naming(fn, name, error=ValueError) -> str:
    try:
        fn()
    except error as e:
        assert name in str(e) and '\n' not in str(e), (name, str(e))
        return 'refused'
    raise AssertionError(f'{name}: a bad value was taken')


def _frames_stay_finite(pipe, n=3):
    frame = np.zeros((240, 320, 3), np.uint8)
    boxes = _boxes_inside(240, 320, 2, np.random.default_rng(5))
    for _ in range(n):
        _check_result(pipe(frame, boxes=boxes))


def family_pipeline_arguments(data) -> str:
    name = data.draw(st.sampled_from(sorted(PIPELINE_ARGS) + ['smoothing']))
    if name == 'smoothing':
        key = data.draw(st.sampled_from(sorted(SMOOTHING_KEYS) + ['cutoff']))
        value = data.draw(st.sampled_from(VALUES))
        arg = data.draw(st.sampled_from([{key: value}, 'yes', 1, [key]]))
        valid = isinstance(arg, dict) and key in SMOOTHING_KEYS and SMOOTHING_KEYS[key](value)
    else:
        arg = data.draw(st.sampled_from(VALUES))
        valid = PIPELINE_ARGS[name](arg)
    make = lambda: PosePipeline(StandIn(), detector=lambda im: _boxes_inside(  # noqa: E731
        *im.shape[:2], 2, np.random.default_rng(4)), **{name: arg})
    if not valid:
        return _refused_naming(make, name)
    pipe = make()
    frame = np.zeros((240, 320, 3), np.uint8)
    for _ in range(3):  # the detector and the derived boxes both run
        _check_result(pipe(frame))
    return 'ok'


def family_tracker_and_filter_arguments(data) -> str:
    from rtmpose_plugin.core.filters import OneEuroFilter
    from rtmpose_plugin.inference.tracker import Tracker
    value = data.draw(st.sampled_from(VALUES))
    which = data.draw(st.sampled_from(['oks_thr', 'max_age', 'min_cutoff', 'beta',
                                       'd_cutoff']))
    sigmas = StandIn().keypoints.sigma_array
    if which == 'oks_thr':
        valid, make = _finite(value) and 0 <= value <= 1, lambda: Tracker(sigmas, oks_thr=value)
    elif which == 'max_age':
        valid, make = _int(value) and value >= 0, lambda: Tracker(sigmas, max_age=value)
    else:
        valid, make = SMOOTHING_KEYS[which](value), lambda: OneEuroFilter(**{which: value})
    if not valid:
        return _refused_naming(make, which)
    made = make()
    if isinstance(made, OneEuroFilter):
        for t in (0.0, 0.04, 0.08):
            assert np.isfinite(made(np.array([1.0, 2.0]) * (1 + t), t)).all()
    return 'ok'


def family_timestamp_steps(data) -> str:
    pipe = PosePipeline(StandIn(), smoothing=dict(min_cutoff=1.0, beta=0.5))
    frame = np.zeros((240, 320, 3), np.uint8)
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    t = data.draw(st.sampled_from([0.0, 1.0, 1e-300, 1e300, -1e300, 2.0**53]))
    refused = 0
    for _ in range(data.draw(st.integers(2, 8))):
        step = data.draw(st.sampled_from([5e-324, 1e-320, 1e-300, 1e-12, 1e-9, 1e-3, 1 / 30,
                                          1.0, 1e10, 1e300, 1.7e308]))
        t = t + step
        boxes = _boxes_inside(240, 320, 2, rng) + rng.normal(0, 3, (2, 5)) * [1, 1, 1, 1, 0]
        try:
            _check_result(pipe(frame, boxes=boxes, timestamp=t))
        except InputError as e:  # inf, or a step that does not change the float
            assert not np.isfinite(t) or t <= pipe._last_t, str(e)
            refused += 1
    for v in (10**400, 'x', True, complex(1, 0)):
        try:
            pipe(frame, boxes=boxes, timestamp=v)
            raise AssertionError(f'timestamp {v!r} was taken')
        except InputError:
            pass
    return 'refused' if refused else 'ok'


BOX_DTYPES = ['float32', 'float64', 'int32', 'int64', 'uint8', 'float16', 'bool',
              'complex128', 'datetime64[s]', 'object']


def family_box_dtypes(data) -> str:
    dtype = data.draw(st.sampled_from(BOX_DTYPES))
    width = data.draw(st.sampled_from([4, 5]))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    boxes = _boxes_inside(240, 320, 3, rng)[:, :width]
    if width == 5:
        boxes[:, 4] = data.draw(st.sampled_from([0.9, 1e300, 1e39, -1e300, 0.0]))
    boxes = boxes.astype(dtype) if dtype != 'datetime64[s]' else boxes.astype('int64').astype(
        dtype)
    pipe = PosePipeline(StandIn())
    frame = np.zeros((240, 320, 3), np.uint8)
    if dtype in ('bool', 'complex128', 'datetime64[s]', 'object') or \
            not np.isfinite(boxes.astype(np.float64)).all():  # e.g. 1e39 as float32: inf
        return _refused_naming(lambda: pipe(frame, boxes=boxes), 'boxes', InputError)
    res = pipe(frame, boxes=boxes)
    _check_result(res)
    assert all(np.isfinite(i.score) for i in res.instances)
    return 'ok'


def family_detector_returns(data) -> str:
    n = data.draw(st.integers(0, 4))
    shape = data.draw(st.sampled_from([(n, 5), (n, 4), (n, 6), (5, ), (n, 5, 1), (), 'list',
                                       'none', 'bool', 'complex']))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    good = _boxes_inside(240, 320, max(n, 1), rng)[:n]
    if shape == 'list':
        out, valid = good.tolist(), True
    elif shape == 'none':
        out, valid = None, False
    elif shape == 'bool':
        out, valid = good.astype(bool), False
    elif shape == 'complex':
        out, valid = good.astype(complex), False
    else:
        size = int(np.prod(shape)) if shape else 1
        out = rng.uniform(0, 200, size).reshape(shape)
        if len(shape) == 2 and shape[1] >= 4:
            out[:, :4] = np.sort(out[:, :4].reshape(-1, 2, 2), 1).reshape(-1, 4)
        valid = (len(shape) == 2 and shape[1] == 5) or size == 0
    pipe = PosePipeline(StandIn(), detector=lambda im: out)
    frame = np.zeros((240, 320, 3), np.uint8)
    if not valid:
        return _refused_naming(lambda: pipe(frame), 'the detector', ModelError)
    _check_result(pipe(frame))
    return 'ok'


def family_uint16_depths(data) -> str:
    import warnings
    bits = data.draw(st.sampled_from([8, 10, 12, 14, 16]))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    peak = 2**bits - 1
    img = (rng.random((48, 64, 3)) * peak).astype(np.uint16)
    img.flat[0] = peak
    from rtmpose_plugin.inference.pipeline import to_bgr_uint8
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter('always')
        out = to_bgr_uint8(img)
    assert out.dtype == np.uint8 and out.max() >= 250, (bits, out.max())  # never black
    if bits < 16:
        assert any('uint16' in str(w.message) for w in said), bits  # never silent
    if bits == 8:
        np.testing.assert_array_equal(out, img.astype(np.uint8))
    return 'ok'


class _FakeSession:
    """A session of the right shapes (the direct calls' checks come before the network)."""
    backend, device, precision, path = 'fake', 'cpu', 'fp32', 'fake'

    def __init__(self, task):
        self.task = task
        self.input_name = 'input'
        if task == 'pose':
            self.input_shape, self.output_names, self.output_ranks = \
                [None, 3, 256, 192], ['simcc_x', 'simcc_y'], [3, 3]
        else:
            self.input_shape, self.output_names, self.output_ranks = \
                [1, 3, 320, 320], ['dets', 'labels'], [3, 2]

    def run(self, x):
        assert x.dtype == np.float32 and np.isfinite(x).all()
        b = len(x)
        if self.task == 'pose':
            return [np.random.default_rng(0).random((b, 17, 384), np.float32),
                    np.random.default_rng(1).random((b, 17, 512), np.float32)]
        return [np.array([[[10, 10, 100, 200, 0.9]]], np.float32), np.zeros((1, 1), np.int64)]


def _direct_models():
    from rtmpose_plugin.runtime import Detector, PoseModel
    from rtmpose_plugin.runtime.meta import ModelMeta, keypoint_set
    mean, std = (123.675, 116.28, 103.53), (58.395, 57.12, 57.375)
    pose = PoseModel(_FakeSession('pose'), ModelMeta('pose', (192, 256), mean, std, True, 2.0,
                                                     keypoints=keypoint_set('coco')))
    det = Detector(_FakeSession('detection'), ModelMeta('detection', (320, 320), mean, std,
                                                        False))
    return pose, det


def family_direct_model_calls(data) -> str:
    pose, det = _direct_models()
    which = data.draw(st.sampled_from(['pose', 'detector']))
    kind = data.draw(st.sampled_from(['good', 'list', 'none', 'bool', 'complex', 'float32',
                                      'size', 'rank', 'channels', 'empty']))
    b = data.draw(st.integers(1, 3))
    if which == 'pose':
        good = np.zeros((b, 256, 192, 3), np.uint8)
        bad = {'list': good.tolist(), 'none': None, 'bool': good.astype(bool),
               'complex': good.astype(complex), 'float32': good.astype(np.float32),
               'size': np.zeros((b, 128, 96, 3), np.uint8), 'rank': good[0],
               'channels': np.zeros((b, 256, 192, 4), np.uint8),
               'empty': np.zeros((0, 256, 192, 3), np.uint8)}
        x = good if kind == 'good' else bad[kind]
        if kind in ('good', 'empty'):
            kp, sc = pose(x)
            assert kp.shape == (len(x), 17, 2) and sc.shape == (len(x), 17)
            assert np.isfinite(kp).all()
            return 'ok'
        return _refused_naming(lambda: pose(x), 'crops', InputError)
    good = np.zeros((120, 160, 3), np.uint8)
    bad = {'list': good.tolist(), 'none': None, 'bool': good.astype(bool),
           'complex': good.astype(complex), 'float32': good.astype(np.float32),
           'size': np.zeros((0, 160, 3), np.uint8), 'rank': good[..., 0],
           'channels': np.zeros((120, 160, 4), np.uint8), 'empty': np.zeros((0, 0, 3), np.uint8)}
    x = good if kind == 'good' else bad[kind]
    if kind == 'good':
        out = det(x)
        assert out.shape[1:] == (5, ) and np.isfinite(out).all()
        return 'ok'
    return _refused_naming(lambda: det(x), 'image', InputError)


#: the CLI's numeric options and what each takes, from its help
CLI_OPTIONS = {
    '--det-interval': lambda v: _int(v) and v >= 1,
    '--det-thr': lambda v: _finite(v) and 0 <= v <= 1,
    '--kpt-thr': lambda v: _finite(v) and 0 <= v <= 1,
    '--redetect-iou': lambda v: _finite(v) and 0 <= v <= 1,
    '--threads': lambda v: _int(v) and 0 <= v <= 1024,
    '--max-frames': lambda v: _int(v) and v >= 1,
    '--det-size': lambda v: _int(v) and 32 <= v <= 4096 and v % 32 == 0,
}
CLI_TEXTS = ['0', '1', '2', '-1', '-5', '7', '32', '640', '99999', '0.5', '1.5', 'nan', 'inf',
             '-inf', '1e400', 'x', '', '3.0', '1e3', '0x10']


def _parsed_value(text):
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return text


def family_cli_options(data) -> str:
    import contextlib
    import io

    from rtmpose_plugin.inference.cli import parser
    option = data.draw(st.sampled_from(sorted(CLI_OPTIONS)))
    text = data.draw(st.sampled_from(CLI_TEXTS))
    value = _parsed_value(text)
    if option in ('--det-thr', '--kpt-thr', '--redetect-iou') and _int(value):
        value = float(value)  # a float option reads '1' as 1.0
    valid = CLI_OPTIONS[option](value)
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            args = parser().parse_args(['in.jpg', '--pose', 'p.onnx', option, text])
    except SystemExit as e:
        assert e.code == 2 and not valid and option in err.getvalue(), (option, text)
        return 'refused'
    assert valid, f'{option} {text!r} was taken'
    assert getattr(args, option[2:].replace('-', '_')) == value
    return 'ok'


def family_cli_input_files(data) -> str:
    import os
    import tempfile

    from rtmpose_plugin.inference.runner import coco_detections
    ann = {'images': [{'id': 1, 'file_name': 'a.jpg'}, {'id': 2, 'file_name': 'b.jpg'}]}
    det = {'image_id': 1, 'category_id': 1, 'bbox': [10, 20, 30, 40], 'score': 0.9}
    case = data.draw(st.sampled_from(['good', 'swapped', 'not json', 'no score', 'no bbox',
                                      'bad id', 'bbox text', 'nan score', 'not a list',
                                      'no images', 'empty', 'binary']))
    dets, anns, text = [det], ann, None
    if case == 'swapped':
        dets, anns = ann, [det]
    elif case == 'no score':
        dets = [{k: v for k, v in det.items() if k != 'score'}]
    elif case == 'no bbox':
        dets = [{k: v for k, v in det.items() if k != 'bbox'}]
    elif case == 'bad id':
        dets = [dict(det, image_id=7)]
    elif case == 'bbox text':
        dets = [dict(det, bbox='10 20 30 40')]
    elif case == 'nan score':
        dets = [dict(det, score=float('nan'))]
    elif case == 'not a list':
        dets = {'detections': [det]}
    elif case == 'no images':
        anns = {'annotations': []}
    elif case in ('not json', 'empty', 'binary'):
        text = {'not json': '{"a": ', 'empty': '', 'binary': '\x89PNG\x00'}[case]
    with tempfile.TemporaryDirectory() as tmp:
        dpath, apath = os.path.join(tmp, 'dets.json'), os.path.join(tmp, 'ann.json')
        with open(dpath, 'w') as f:
            f.write(text if text is not None else json.dumps(dets))
        with open(apath, 'w') as f:
            json.dump(anns, f)
        if case != 'good':
            try:
                coco_detections(dpath, apath)
            except InputError as e:
                assert ('dets.json' in str(e) or 'ann.json' in str(e)) and '\n' not in str(e)
                return 'refused'
            raise AssertionError(f'--bundled-dets: {case} was taken')
        boxes = coco_detections(dpath, apath)('a.jpg')
        np.testing.assert_allclose(boxes, [[10, 20, 40, 60, 0.9]], rtol=1e-6)
    return 'ok'


def classify(check, data):
    """(outcome, detail) of one case: the family's ``ok`` / ``refused``.

    ``silent`` where its judgement fails (a wrong result, a bad value taken); ``crash`` for
    any other error. ``detail``: what went wrong, '' where nothing did.
    """
    import traceback
    try:
        return check(data), ''
    except AssertionError as e:
        return 'silent', f'{e}'
    except Exception as e:  # noqa: BLE001
        if type(e).__module__.startswith('hypothesis'):
            raise  # hypothesis' own control flow
        where = traceback.extract_tb(e.__traceback__)[-1]
        return 'crash', f'{type(e).__name__}: {e} ({where.filename}:{where.lineno})'


def run_family(check, cases: int, seed: int = 0, derandomize: bool = False):
    """Counts of each outcome over ``cases`` drawn cases.

    With the first detail of each bad outcome (every case runs: a crash does not stop the
    family)."""
    import collections

    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as seeded
    counts, details = collections.Counter(), {}

    @seeded(seed)
    @settings(max_examples=cases, deadline=None, database=None, derandomize=derandomize,
              suppress_health_check=list(HealthCheck), phases=['generate'])
    @given(st.data())
    def run(data):
        outcome, detail = classify(check, data)
        counts[outcome] += 1
        if detail:
            details.setdefault(outcome, detail)

    run()
    return counts, details


FAMILIES = {name[len('family_'):]: fn for name, fn in globals().items()
            if name.startswith('family_')}
