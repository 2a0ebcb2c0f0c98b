"""The Python front door: RTMPose (results, stream, parts, one main person) equals the
pipeline it wraps; rtmlib's solutions return rtmlib's shapes, equal rtmlib's own RTMPose
on the same ONNX file and boxes, and give no one for an empty image."""
import functools
import glob
import os.path as osp

import cv2
import numpy as np
import pytest

from rtmpose_plugin import RTMPose
from rtmpose_plugin.inference import PosePipeline, open_detector, open_pose_model
from rtmpose_plugin.inference.pipeline import FrameResult, PoseInstance
from rtmpose_plugin.inference.tracker import MainTrack
from rtmpose_plugin.runtime.meta import keypoint_set

from .conftest import shared

def det():
    return shared('models', 'rtmdet-nano-person')


def image(name='000000196141.jpg'):
    return cv2.imread(shared('coco', name))


@pytest.fixture(scope='module')
def model(coco_sdk):
    return RTMPose(coco_sdk, det(), backend='onnxruntime', precision='fp32')


def same(result, frame):
    assert len(result) == len(frame.instances)
    for i, inst in enumerate(frame.instances):
        np.testing.assert_array_equal(result.keypoints[i], inst.keypoints)
        np.testing.assert_array_equal(result.scores[i], inst.keypoint_scores)
        np.testing.assert_array_equal(result.boxes[i], inst.bbox)
        assert result.track_ids[i] == inst.track_id


def test_a_call_is_the_pipeline_on_one_frame(model, coco_sdk):
    pipeline = PosePipeline(open_pose_model(coco_sdk), open_detector(det()))
    model.reset()
    result = model(image())
    assert result.keypoints.shape == (len(result), 17, 2) and result.scores.shape == (len(result),
                                                                                      17)
    assert len(result) > 0 and result.keypoint_set.name == 'coco'
    same(result, pipeline(image()))
    assert result.plot(image()).shape == image().shape


def test_stream_yields_one_result_per_frame_as_the_pipeline_runs_them(model, coco_sdk):
    pipeline = PosePipeline(open_pose_model(coco_sdk), open_detector(det()))
    results = list(model.stream(shared('video', 'street.mp4')))
    assert len(results) == 5 and results[0].name == 'street_000000'
    # frame by frame against the pipeline over the same decoded frames and timestamps
    cap = cv2.VideoCapture(shared('video', 'street.mp4'))
    for i, result in enumerate(results):
        ok, frame = cap.read()
        assert ok
        same(result, pipeline(frame, timestamp=i / cap.get(cv2.CAP_PROP_FPS)))
    folder = list(model.stream(shared('coco')))
    assert [r.name for r in folder] == sorted(osp.basename(p) for p in glob.glob(
        osp.join(shared('coco'), '*.jpg')))


def test_parts_come_from_the_keypoint_names_of_every_set():
    sizes = {'coco_wholebody': dict(body=17, feet=6, face=68, left_hand=21, right_hand=21),
             'halpe': dict(body=20, feet=6, face=68, left_hand=21, right_hand=21),
             'halpe26': dict(body=20, feet=6), 'onehand10k': dict(hand=21),
             'lapa': dict(face=106), 'coco': dict(body=17)}
    for name, want in sizes.items():
        parts = keypoint_set(name).parts()
        assert {k: len(v) for k, v in parts.items() if k != 'all'} == want, name
        assert len(parts['all']) == keypoint_set(name).num_keypoints


def test_result_part_selects_the_named_keypoints():
    kset = keypoint_set('coco_wholebody')
    kp = np.random.default_rng(0).random((133, 2)).astype(np.float32)
    frame = FrameResult(0, [PoseInstance(3, np.array([0, 0, 9, 9], np.float32), kp,
                                         np.ones(133, np.float32), 1.0, 'detector')])
    from rtmpose_plugin.api import PoseResult
    result = PoseResult(frame, kset)
    hand, scores = result.part('left_hand')
    assert hand.shape == (1, 21, 2) and scores.shape == (1, 21)
    np.testing.assert_array_equal(hand[0], kp[91:112])
    with pytest.raises(KeyError, match='has no part .*it has body'):
        result.part('tail')


def _frame(boxes, ids):
    return FrameResult(0, [PoseInstance(i, np.array(b, np.float32), np.zeros((17, 2)),
                                        np.ones(17), 1.0, 'detector')
                           for b, i in zip(boxes, ids)])


def test_main_track_keeps_one_person_under_one_id():
    main = MainTrack('largest')
    shape = (100, 200, 3)
    first = main.select(_frame([[0, 0, 10, 10], [50, 50, 90, 90]], [4, 7]), shape)
    assert [i.track_id for i in first.instances] == [0]
    assert first.instances[0].bbox[0] == 50  # the largest
    # another person grows larger: the main one is still followed by its track
    later = main.select(_frame([[0, 0, 99, 99], [52, 50, 90, 92]], [4, 7]), shape)
    assert later.instances[0].bbox[0] == 52
    assert main.select(_frame([], []), shape).instances == []
    # its track is gone: a new main person, still ID 0
    new = main.select(_frame([[0, 0, 99, 99], [10, 10, 20, 20]], [4, 9]), shape)
    assert new.instances[0].bbox[2] == 99 and new.instances[0].track_id == 0
    central = MainTrack('central').select(_frame([[0, 0, 60, 60], [90, 40, 110, 60]], [1, 2]),
                                          shape)
    assert central.instances[0].bbox[0] == 90


def test_track_main_gives_at_most_one_person(coco_sdk):
    model = RTMPose(coco_sdk, det(), backend='onnxruntime', precision='fp32', track='main')
    results = list(model.stream(shared('video', 'street.mp4')))
    assert all(len(r) <= 1 for r in results) and any(len(r) for r in results)
    assert {int(t) for r in results for t in r.track_ids} == {0}


def test_bad_arguments_and_inputs_are_one_line(coco_sdk, model):
    with pytest.raises(FileNotFoundError, match=r"did you mean .*body"):
        RTMPose('bodyy', det())
    with pytest.raises(ValueError, match='is a detection model, not a pose model'):
        RTMPose(det(), det(), backend='onnxruntime')
    with pytest.raises(ValueError, match='track must be'):
        RTMPose(coco_sdk, det(), track='yes')
    with pytest.raises(ValueError, match=r'expected an \(H, W\)'):
        model('not an image')


# ---------------------------------------------------------------- rtmlib's shape

def test_body_returns_rtmlibs_shapes_and_the_apis_people(coco_sdk, model):
    from rtmpose_plugin import Body
    body = Body(pose=coco_sdk, det=det())
    kp, sc = body(image())
    assert kp.dtype == np.float32 and sc.dtype == np.float32
    assert kp.shape[1:] == (17, 2) and sc.shape == kp.shape[:2] and len(kp) > 0
    model.reset()
    np.testing.assert_array_equal(kp, model(image()).keypoints)
    kp2, _ = body(image())  # each call on its own, as rtmlib's
    np.testing.assert_array_equal(kp, kp2)
    empty_kp, empty_sc = body(np.zeros((240, 320, 3), np.uint8))
    assert empty_kp.shape == (0, 17, 2) and empty_sc.shape == (0, 17)


def test_to_openpose_inserts_the_neck_as_rtmlib():
    from rtmpose_plugin.solutions import to_openpose
    rng = np.random.default_rng(0)
    kp, sc = rng.random((2, 133, 2)), rng.random((2, 133))
    okp, osc = to_openpose(kp, sc)
    assert okp.shape == (2, 134, 2) and osc.shape == (2, 134)
    np.testing.assert_allclose(okp[:, 1], kp[:, [5, 6]].mean(1))
    np.testing.assert_allclose(osc[:, 1], sc[:, [5, 6]].min(1))
    np.testing.assert_array_equal(okp[:, 2], kp[:, 6])  # right shoulder
    np.testing.assert_array_equal(okp[:, 18:], kp[:, 17:])  # feet, face, hands unchanged


@pytest.fixture(scope='module')
def smoke_sdk(trained_smoke, tmp_path_factory):
    """The smoke-trained RTMPose-t exported: peaked SimCC maps (random weights give
    near-flat ones, whose argmax flips with the least difference in a crop)."""
    from rtmpose_plugin.deploy import deploy
    out = str(tmp_path_factory.mktemp('smoke_sdk'))
    deploy(trained_smoke['config'], trained_smoke['checkpoint'], out)
    return out


@pytest.mark.slow
def test_body_equals_rtmlibs_rtmpose_on_the_same_onnx_file_and_boxes(smoke_sdk):
    rtmlib = pytest.importorskip('rtmlib')
    from rtmpose_plugin import Body
    img = image()
    boxes = open_detector(det())(img)
    boxes = boxes[boxes[:, 4] > 0.5]
    ours = Body(pose=smoke_sdk, det=det())
    kp, sc = ours(img, bboxes=boxes[:, :4])
    # people come out in pose-NMS order here, in box order in rtmlib: matched by box
    ours.model.reset()
    placed = ours.model(img, boxes=boxes[:, :4]).boxes
    order = [int(np.argmin(np.abs(boxes[:, :4] - b).sum(1))) for b in placed]
    theirs = rtmlib.RTMPose(osp.join(smoke_sdk, 'end2end.onnx'), model_input_size=(192, 256),
                            backend='onnxruntime', device='cpu')
    # rtmlib normalises the frame it is given with RGB means and never swaps channels;
    # the model takes RGB (as mmpose trains it), so rtmlib is given the RGB frame
    rkp, rsc = theirs(np.ascontiguousarray(img[..., ::-1]), bboxes=[b for b in boxes[:, :4]])
    rkp, rsc = rkp[order], rsc[order]
    assert rkp.shape == kp.shape and len(kp) > 0
    # the same crops and SimCC argmax on every keypoint that the model finds; scores
    # differ by design (rtmlib: the mean of the x and y maxima; mmpose and ours: their
    # minimum), so ours are never above rtmlib's
    found = sc > 0.3
    assert found.sum() >= 10
    # an argmax at a near-tie may move by one bin where the two crops differ in their
    # last bits (OpenCV's warp takes other SIMD paths on other CPUs): at most 1 in 50
    diff = np.abs(rkp - kp)[found].max(-1)
    assert (diff < 0.51).mean() >= 0.98 and diff.max() < 1.5, np.sort(diff)[-5:]
    assert np.all(sc <= rsc + 1e-5)


def test_pose_tracker_detects_every_k_frames_and_keeps_track_ids(coco_sdk):
    from rtmpose_plugin import Custom, PoseTracker
    tracker = PoseTracker(functools.partial(Custom, det=det(), pose=coco_sdk), det_frequency=2)
    cap = cv2.VideoCapture(shared('video', 'street.mp4'))
    ids = []
    for _ in range(5):
        ok, frame = cap.read()
        kp, sc, track_ids = tracker(frame, return_track_ids=True)
        assert kp.shape[1:] == (17, 2) and len(track_ids) == len(kp)
        np.testing.assert_array_equal(track_ids, tracker.track_ids)
        ids.append(list(track_ids))
    assert any(ids)
    with pytest.raises(ValueError, match='det_frequency'):
        PoseTracker(functools.partial(Custom, det=det(), pose=coco_sdk), det_frequency=0)


def test_rtmlibs_opencv_backend_and_unknown_modes_are_one_line(coco_sdk):
    from rtmpose_plugin import Body, Hand
    with pytest.raises(ValueError, match="'opencv'"):
        Body(pose=coco_sdk, det=det(), backend='opencv')
    with pytest.raises(ValueError, match='has no mode'):
        Hand(mode='performance')


def test_draw_skeleton_draws_by_the_keypoint_count():
    from rtmpose_plugin import draw_skeleton
    img = np.zeros((100, 100, 3), np.uint8)
    kp = np.full((1, 17, 2), 50.0)
    kp[0, :, 0] = np.linspace(10, 90, 17)
    out = draw_skeleton(img, kp, np.ones((1, 17)), kpt_thr=0.5)
    assert out.shape == img.shape and out.any() and not img.any()


def test_every_mode_opens_the_models_rtmlibs_mode_downloads():
    """The same published zips per mode as rtmlib's own tables (the reference)."""
    rtmlib = pytest.importorskip('rtmlib')
    from rtmpose_plugin import solutions, zoo
    for name in ('Body', 'BodyWithFeet', 'Wholebody', 'Hand'):
        ours, theirs = getattr(solutions, name).MODE, getattr(rtmlib, name).MODE
        assert set(ours) == set(theirs), name
        for mode, models in ours.items():
            for part in ('det', 'pose'):
                assert zoo.sdk_zip_url(models[part]) == theirs[mode][part], (name, mode, part)
            assert zoo.DETECTOR_SIZES[models['det']] == theirs[mode]['det_input_size'][0]
