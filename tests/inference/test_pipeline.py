"""The pipeline and its runner on real images with the smoke-trained RTMPose-t on ONNX
Runtime; every kind of bad input ends in a clear error or an empty result, never a crash
that loses earlier frames."""
import json
import os.path as osp
import shutil

import cv2
import numpy as np
import pytest

from rtmpose_plugin.deploy import deploy
from rtmpose_plugin.inference import (PosePipeline, boxes_from_poses, clip_boxes,
                                      coco_detections, iter_frames, open_pose_model, run,
                                      to_bgr_uint8)

from ..conftest import shared

pytestmark = pytest.mark.slow


@pytest.fixture(scope='module')
def pose_model(trained_smoke, tmp_path_factory):
    out = deploy(trained_smoke['config'], trained_smoke['checkpoint'],
                 str(tmp_path_factory.mktemp('pipeline_onnx')))
    return open_pose_model(out['model'])


@pytest.fixture
def bundled():
    return coco_detections(shared('coco', 'test_coco_det_AP_H_56.json'),
                           shared('coco', 'test_coco.json'))


def image(name='000000196141.jpg'):
    return cv2.imread(shared('coco', name))


def test_bundled_detections_give_tracked_poses_on_a_real_image(pose_model, bundled):
    pipe = PosePipeline(pose_model)
    res = pipe(image(), boxes=bundled('000000196141.jpg'))
    assert len(res.instances) >= 3
    ids = [i.track_id for i in res.instances]
    assert len(set(ids)) == len(ids)
    inst = res.instances[0]
    x1, y1, x2, y2 = inst.bbox
    good = inst.keypoints[inst.keypoint_scores > 0.3]
    assert len(good) > 5
    # keypoints land in (or near) their person's box, in image pixels
    assert np.all((good[:, 0] > x1 - 40) & (good[:, 0] < x2 + 40))
    assert res.to_json()['instances'][0]['track_id'] == inst.track_id


def test_same_image_twice_keeps_ids_and_detects_every_k_frames(pose_model):
    """IDs hold over identical frames; between detections boxes come from the poses.
    (IDs across pose-derived boxes are the synthetic-video benchmark's: with the 4-image
    smoke model a pose from a derived box can drift to OKS 0.28 from the detected one.)"""
    boxes = np.array([[250, 70, 420, 370, 0.99], [440, 200, 640, 410, 0.95]], np.float32)
    calls = []

    def detector(img):
        calls.append(1)
        return boxes

    pipe = PosePipeline(pose_model, detector=detector, det_interval=1)
    frames = [pipe(image()) for _ in range(4)]
    first = sorted(i.track_id for i in frames[0].instances)
    assert len(first) == 2
    assert all(sorted(i.track_id for i in f.instances) == first for f in frames)
    calls.clear()
    pipe = PosePipeline(pose_model, detector=detector, det_interval=3)
    frames = [pipe(image()) for _ in range(6)]
    assert len(calls) == 2  # frames 0 and 3
    assert [f.detected for f in frames] == [True, False, False, True, False, False]
    assert frames[1].instances[0].box_source == 'pose'
    assert frames[3].instances[0].box_source == 'detector'


@pytest.mark.parametrize('convert', [
    lambda im: cv2.cvtColor(im, cv2.COLOR_BGR2GRAY),
    lambda im: cv2.cvtColor(im, cv2.COLOR_BGR2BGRA),
    lambda im: im.astype(np.uint16) * 257,
    lambda im: im.astype(np.float32) / 255,
], ids=['grayscale', 'bgra', '16-bit', 'float'])
def test_image_kinds_are_converted(pose_model, bundled, convert):
    ref = PosePipeline(pose_model, track=False)(image(), boxes=bundled('000000196141.jpg'))
    res = PosePipeline(pose_model, track=False)(convert(image()),
                                                boxes=bundled('000000196141.jpg'))
    assert len(res.instances) == len(ref.instances)
    if convert(image()).ndim == 3:  # colour kept: the same poses
        np.testing.assert_allclose(res.instances[0].keypoints, ref.instances[0].keypoints,
                                   atol=2.0)


def test_empty_and_one_pixel_images(pose_model):
    pipe = PosePipeline(pose_model, detector=lambda im: np.array([[0, 0, 50, 50, 0.9]]))
    assert pipe(np.zeros((1, 1, 3), np.uint8)).instances == []  # box clipped to nothing
    with pytest.raises(ValueError, match='image'):
        pipe(np.zeros((0, 0, 3), np.uint8))
    with pytest.raises(ValueError, match='image'):
        pipe(np.zeros(10, np.uint8))


def test_no_people_and_boxes_outside_or_degenerate(pose_model):
    pipe = PosePipeline(pose_model, track=False)
    img = image()
    h, w = img.shape[:2]
    assert pipe(img, boxes=np.zeros((0, 4))).instances == []
    boxes = np.array([[-50, -50, 200, 300],  # partly outside: clipped
                      [w + 10, 0, w + 100, 100],  # wholly outside: dropped
                      [100, 100, 100, 300],  # zero width: dropped
                      [np.nan, 0, 10, 10]], np.float32)  # not a box: dropped
    res = pipe(img, boxes=boxes)
    assert len(res.instances) == 1
    assert res.instances[0].bbox.tolist() == [0.0, 0.0, 200.0, 300.0]


def test_box_helpers():
    kp = np.array([[[10, 10], [30, 50], [0, 0]]], np.float32)
    sc = np.array([[0.9, 0.8, 0.1]])
    np.testing.assert_allclose(boxes_from_poses(kp, sc, 0.3), [[7.5, 5.0, 32.5, 55.0]])
    assert boxes_from_poses(kp, np.zeros((1, 3)), 0.3).shape == (0, 4)
    assert clip_boxes(np.zeros((0, 5)), 10, 10).shape == (0, 5)
    assert to_bgr_uint8(np.zeros((4, 4, 1), np.uint8)).shape == (4, 4, 3)


def test_runner_over_a_folder_keeps_going_past_a_bad_file(pose_model, bundled, tmp_path):
    folder = tmp_path / 'in'
    folder.mkdir()
    for name in ('000000000785.jpg', '000000196141.jpg'):
        shutil.copy(shared('coco', name), folder / name)
    (folder / '000000000790.jpg').write_bytes(b'not a jpeg at all')
    out = tmp_path / 'out'
    summary = run(PosePipeline(pose_model), str(folder), str(out), boxes_for=bundled,
                  progress=False)
    lines = [json.loads(l) for l in open(summary['results'])]
    assert summary['frames'] == 2 and summary['errors'] == 1
    assert [l['name'] for l in lines] == ['000000000785.jpg', '000000000790.jpg',
                                          '000000196141.jpg']
    assert 'cannot read' in lines[1]['error'] and lines[0]['instances']
    assert (out / '000000000785.jpg').is_file() and (out / '000000196141.jpg').is_file()


def test_runner_missing_input_and_unknown_type(pose_model, tmp_path):
    with pytest.raises(FileNotFoundError, match='does not exist'):
        run(PosePipeline(pose_model), str(tmp_path / 'nope.mp4'), str(tmp_path / 'o'),
            progress=False)
    (tmp_path / 'a.txt').write_text('x')
    with pytest.raises(ValueError, match='neither an image'):
        list(iter_frames(str(tmp_path / 'a.txt')))


def test_truncated_video_keeps_the_frames_before_the_damage(pose_model, tmp_path):
    video = shared('video', 'street.mp4')
    frames = list(iter_frames(video))
    assert len(frames) == 5 and frames[0][1].shape == (540, 960, 3)
    # an MJPG AVI decodes frame by frame: cut it and the first frames still come out
    avi = tmp_path / 'street.avi'
    writer = cv2.VideoWriter(str(avi), cv2.VideoWriter_fourcc(*'MJPG'), 5.0, (960, 540))
    for _ in range(4):
        for _, frame, _, _ in frames:
            writer.write(frame)
    writer.release()
    data = avi.read_bytes()
    broken = tmp_path / 'broken.avi'
    broken.write_bytes(data[:int(len(data) * 0.5)])
    boxes = np.array([[300, 100, 450, 500, 0.9]], np.float32)
    summary = run(PosePipeline(pose_model, detector=lambda im: boxes), str(broken),
                  str(tmp_path / 'out'), progress=False)
    lines = [json.loads(l) for l in open(summary['results'])]
    assert 3 <= summary['frames'] < 20 and len(lines) == summary['frames']
    assert all(l['instances'] for l in lines)
    assert osp.isfile(tmp_path / 'out' / 'annotated.mp4')
    # an MP4 cut before its index cannot be opened at all: a clear error, nothing run
    cut_mp4 = tmp_path / 'cut.mp4'
    cut_mp4.write_bytes(open(video, 'rb').read()[:20000])
    with pytest.raises(ValueError, match='cannot open video'):
        list(iter_frames(str(cut_mp4)))


class FakeCamera:
    """cv2.VideoCapture for a camera index: the same real image again and again, with
    a nominal rate of 0 (as many webcams report); Ctrl-C after ``stop_after`` frames."""
    opened: list = []

    def __init__(self, index, stop_after=4, rate=0.0, delay=0.0):
        assert isinstance(index, int)
        FakeCamera.opened.append(index)
        self.frame, self.count, self.stop_after = image(), 0, stop_after
        self.rate, self.delay = rate, delay

    def isOpened(self):
        return True

    def get(self, prop):
        return self.rate

    def read(self):
        import time
        time.sleep(self.delay)
        self.count += 1
        if self.count > self.stop_after:
            raise KeyboardInterrupt  # the user stops the camera
        return True, self.frame.copy()

    def release(self):
        pass


def test_camera_runs_until_ctrl_c_and_keeps_everything(pose_model, tmp_path, monkeypatch):
    import rtmpose_plugin.inference.runner as runner
    real = cv2.VideoCapture
    monkeypatch.setattr(runner.cv2, 'VideoCapture',
                        lambda src: FakeCamera(src) if isinstance(src, int) else real(src))
    FakeCamera.opened = []
    boxes = np.array([[100, 50, 300, 400, 0.9]], np.float32)
    try:
        summary = run(PosePipeline(pose_model, detector=lambda im: boxes), '0', str(tmp_path),
                      progress=False)
    except KeyboardInterrupt:
        pytest.fail('Ctrl-C escaped run(): the annotated video is left unfinished')
    assert FakeCamera.opened == [0]
    assert summary['interrupted'] and summary['frames'] == 4 and summary['errors'] == 0
    lines = [json.loads(l) for l in open(tmp_path / 'results.jsonl')]
    assert [l['name'] for l in lines] == [f'camera0_{i:06d}' for i in range(4)]
    # the annotated video was closed: it plays back with every frame written
    cap = cv2.VideoCapture(str(tmp_path / 'annotated.mp4'))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 4
    cap.release()


def test_camera_timestamps_are_wall_clock(monkeypatch):
    import rtmpose_plugin.inference.runner as runner
    # a camera claiming 1000 frames/s that delivers one every 20 ms
    monkeypatch.setattr(runner.cv2, 'VideoCapture',
                        lambda src: FakeCamera(src, stop_after=3, rate=1000.0, delay=0.02))
    frames = []
    with pytest.raises(KeyboardInterrupt):
        for frame in iter_frames(0):
            frames.append(frame)
    ts = [t for _, _, t, _ in frames]
    assert len(ts) == 3 and all(b - a >= 0.019 for a, b in zip(ts, ts[1:]))
    assert ts[-1] < 5.0  # seconds since the camera opened, not index / a nominal rate
