"""The runner over folders, videos and a camera: a bad file or a truncated video never
loses the frames before it; Ctrl-C keeps everything done."""
import json
import os.path as osp
import shutil

import cv2
import numpy as np
import pytest

from rtmpose_plugin.errors import InputError
from rtmpose_plugin.inference import PosePipeline, iter_frames, run

from ..conftest import shared
from .conftest import image

pytestmark = pytest.mark.slow


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
    # an MP4 cut before its index: a clear error naming the fix, nothing run (salvaged
    # with a reference: tests/inference/test_salvage.py)
    cut_mp4 = tmp_path / 'cut.mp4'
    cut_mp4.write_bytes(open(video, 'rb').read()[:20000])
    with pytest.raises(ValueError, match='cut before its index.*--reference'):
        list(iter_frames(str(cut_mp4)))


def test_camera_runs_until_ctrl_c_and_keeps_everything(pose_model, tmp_path, monkeypatch):
    import rtmpose_plugin.inference.sources as runner
    real = cv2.VideoCapture
    monkeypatch.setattr(runner.cv2, 'VideoCapture',
                        lambda src: FakeCamera(src) if isinstance(src, int) else real(src))
    FakeCamera.opened = []
    boxes = np.array([[100, 50, 300, 400, 0.9]], np.float32)
    try:
        summary = run(PosePipeline(pose_model, detector=lambda im: boxes), '0', str(tmp_path),
                      progress=False, keep_all_frames=True)
    except KeyboardInterrupt:
        pytest.fail('Ctrl-C escaped run(): the annotated video is left unfinished')
    assert FakeCamera.opened == [0]
    assert summary['interrupted'] and summary['frames'] == 4 and summary['errors'] == 0
    assert summary['dropped'] == 0
    lines = [json.loads(l) for l in open(tmp_path / 'results.jsonl')]
    assert [l['name'] for l in lines] == [f'camera0_{i:06d}' for i in range(4)]
    # the annotated video was closed: it plays back with every frame written
    cap = cv2.VideoCapture(str(tmp_path / 'annotated.mp4'))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 4
    cap.release()


class _SlowPose:
    """A stand-in pose model that takes ``seconds`` a call (a pipeline slower than the camera)."""

    def __init__(self, model, seconds):
        self.model, self.seconds = model, seconds
        self.input_size, self.keypoints = model.input_size, model.keypoints

    def __call__(self, crops):
        import time
        time.sleep(self.seconds)
        return self.model(crops)


@pytest.mark.parametrize('keep_all', [False, True])
def test_a_camera_faster_than_the_pipeline_drops_frames_unless_told(pose_model, tmp_path,
                                                                    monkeypatch, keep_all):
    import rtmpose_plugin.inference.sources as sources
    # 200 frames/s from the camera, 25 frames/s through the pipeline
    real = cv2.VideoCapture
    monkeypatch.setattr(sources.cv2, 'VideoCapture', lambda src: FakeCamera(
        src, stop_after=40, delay=0.005) if isinstance(src, int) else real(src))
    boxes = np.array([[100, 50, 300, 400, 0.9]], np.float32)
    pipe = PosePipeline(_SlowPose(pose_model, 0.04), detector=lambda im: boxes)
    summary = run(pipe, 0, str(tmp_path), progress=False, keep_all_frames=keep_all)
    lines = [json.loads(l) for l in open(tmp_path / 'results.jsonl')]
    names = [int(l['name'].split('_')[1]) for l in lines]
    assert summary['frames'] == len(lines) and summary['interrupted']
    assert names == sorted(names) and len(set(names)) == len(names)  # in order, once each
    if keep_all:
        assert summary['dropped'] == 0 and names == list(range(40))
    else:  # the newest frame each time: most of the 40 dropped, and the count says so
        assert summary['dropped'] >= 20 and summary['frames'] + summary['dropped'] == 40
        assert names[0] == 0 and max(b - a for a, b in zip(names, names[1:])) > 1
    cap = cv2.VideoCapture(str(tmp_path / 'annotated.mp4'))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == len(lines)
    cap.release()


def test_camera_timestamps_are_wall_clock(monkeypatch):
    import rtmpose_plugin.inference.sources as runner
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


def test_out_files_that_cannot_be_written_are_said_before_the_run(tmp_path, monkeypatch):
    """A read-only results.jsonl (tested through os.access: root may write anything)."""
    import os

    from rtmpose_plugin.inference.runner import check_out_dir
    out = tmp_path / 'out'
    out.mkdir()
    (out / 'results.jsonl').write_text('')
    real = os.access
    monkeypatch.setattr(os, 'access', lambda p, mode: False if str(p).endswith(
        'results.jsonl') else real(p, mode))
    with pytest.raises(InputError, match='results.jsonl.* is not writable: remove it'):
        check_out_dir(str(out))
