"""The overlapped run (reader and writer threads, the detector run ahead) against the run
step after step: the same frames, results, track IDs and files; and the threads' own
contracts (order, bounds, errors handed over, a full disk, a reader that fails)."""
import json
import os
import threading
import time

import cv2
import numpy as np
import pytest

from rtmpose_plugin.errors import InputError
from rtmpose_plugin.inference import PosePipeline, open_detector, run
from rtmpose_plugin.inference.overlap import Ahead, Behind
from rtmpose_plugin.testing import video_frames

from ..conftest import shared

pytestmark = pytest.mark.slow


def _street(path, loops=3):
    """street.mp4 looped: 5 frames a loop, 960x540, real people for the real detector."""
    frames = video_frames(shared('video', 'street.mp4'))
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'mp4v'), 5.0, (960, 540))
    for _ in range(loops):
        for frame in frames:
            writer.write(frame)
    writer.release()
    return str(path)


def _lines(path):
    lines = [json.loads(l) for l in open(path)]
    for line in lines:
        line.pop('timings_ms', None)
    return lines


@pytest.fixture(scope='module')
def detector():
    return open_detector(shared('models', 'rtmdet-nano-person'))


@pytest.mark.parametrize('det_interval', [1, 3])
def test_overlapped_run_equals_the_sequential_run_frame_by_frame(pose_model, detector,
                                                                 tmp_path, det_interval):
    video = _street(tmp_path / 'street.mp4')
    runs = {}
    for overlap in (False, True):
        pipe = PosePipeline(pose_model, detector, det_interval=det_interval,
                            smoothing=dict(min_cutoff=1.0, beta=0.02))
        out = tmp_path / f'out_{overlap}'
        summary = run(pipe, video, str(out), progress=False, overlap=overlap)
        runs[overlap] = summary, _lines(out / 'results.jsonl'), video_frames(
            out / 'annotated.mp4')
    (s0, lines0, video0), (s1, lines1, video1) = runs[False], runs[True]
    assert s0['frames'] == s1['frames'] == 15 and s0['people'] == s1['people'] > 15
    assert lines1 == lines0  # names, boxes, keypoints, scores, track IDs, box sources
    detected = [line['detected'] for line in lines0]
    assert sum(detected) == (15 if det_interval == 1 else 5)  # the schedule ran as asked
    assert {i['box_source'] for line in lines0 for i in line['instances']} == (
        {'detector'} if det_interval == 1 else {'detector', 'pose'})
    assert len(video0) == len(video1) == 15
    assert all(np.array_equal(a, b) for a, b in zip(video0, video1))


def test_overlapped_run_over_a_folder_writes_the_same_images(pose_model, bundled, tmp_path):
    import shutil
    folder = tmp_path / 'in'
    folder.mkdir()
    for name in ('000000000785.jpg', '000000196141.jpg', '000000197388.jpg'):
        shutil.copy(shared('coco', name), folder / name)
    (folder / '000000000790.jpg').write_bytes(b'not a jpeg')
    for overlap in (False, True):
        run(PosePipeline(pose_model), str(folder), str(tmp_path / f'o{overlap}'),
            boxes_for=bundled, progress=False, overlap=overlap)
    assert _lines(tmp_path / 'oTrue' / 'results.jsonl') == \
        _lines(tmp_path / 'oFalse' / 'results.jsonl')
    for name in ('000000000785.jpg', '000000196141.jpg', '000000197388.jpg'):
        a = cv2.imread(str(tmp_path / 'oFalse' / name))
        assert np.array_equal(a, cv2.imread(str(tmp_path / 'oTrue' / name)))


def test_the_networks_are_warmed_before_the_first_frame(pose_model, detector, tmp_path):
    """Warm-up runs the pose model on blank crops, at one crop and at the number of
    people the first frame's detection found, before frame 0 is estimated."""
    calls = []

    class Counting:
        def __init__(self, model):
            self.model, self.input_size, self.keypoints = model, model.input_size, \
                model.keypoints

        def __call__(self, crops):
            calls.append((len(crops), int(crops.max()) if len(crops) else 0))
            return self.model(crops)

    video = _street(tmp_path / 'street.mp4', loops=1)
    first = video_frames(video)[0]
    found = int((detector(first)[:, 4] >= 0.5).sum())
    warmed = sorted({1, found})
    pipe = PosePipeline(Counting(pose_model), detector, det_interval=1)
    run(pipe, video, str(tmp_path / 'out'), progress=False)
    lines = _lines(tmp_path / 'out' / 'results.jsonl')
    assert found >= 2 and len(lines) == 5
    assert calls[:len(warmed)] == [(b, 0) for b in warmed]  # blank crops, before frame 0
    assert calls[len(warmed)][0] == found and calls[len(warmed)][1] > 0  # frame 0
    assert len(calls) == len(warmed) + 5
    calls.clear()
    run(PosePipeline(Counting(pose_model), detector), video, str(tmp_path / 'cold'),
        progress=False, warm_up=False)
    assert len(calls) == 5 and all(top > 0 for _, top in calls)


# the threads' contracts, without models

def test_ahead_keeps_order_and_bounds_what_waits():
    produced = []

    def items():
        for i in range(50):
            produced.append(i)
            yield i

    reader = Ahead(items(), prepare=lambda i: i * 2, depth=3)
    got = []
    for item in reader:
        time.sleep(0.002)
        got.append(item)
        assert len(produced) - len(got) <= 3 + 1  # waiting, plus the one being prepared
    reader.close()
    assert got == [2 * i for i in range(50)]


def test_ahead_hands_over_the_items_then_the_error_and_releases_the_source():
    released = []

    def items():
        try:
            yield 1
            yield 2
            raise RuntimeError('the decoder failed')
        finally:
            released.append(threading.current_thread().name)

    reader = Ahead(items(), name='reader-under-test')
    got = []
    with pytest.raises(RuntimeError, match='decoder failed'):
        for item in reader:
            got.append(item)
    reader.close()
    assert got == [1, 2] and released == ['reader-under-test']


def test_ahead_closed_early_stops_its_source():
    released = []

    def endless():
        try:
            i = 0
            while True:
                yield i
                i += 1
        finally:
            released.append(True)

    reader = Ahead(endless(), depth=2)
    for item in reader:
        if item == 5:
            break
    reader.close()
    assert released == [True]


def test_a_live_ahead_drops_the_oldest_rather_than_wait():
    def fast():
        for i in range(100):
            time.sleep(0.001)
            yield i

    reader = Ahead(fast(), depth=1, live=True)
    got = []
    for item in reader:
        time.sleep(0.01)
        got.append(item)
    reader.close()
    assert got == sorted(got) and got[-1] == 99  # the newest is always handed over
    assert reader.dropped == 100 - len(got) and reader.dropped > 50


def test_behind_consumes_in_order_and_stops_at_its_first_error():
    done = []

    def consume(i):
        if i == 7:
            raise OSError(28, 'No space left on device')
        done.append(i)

    writer = Behind(consume, depth=2)
    with pytest.raises(OSError, match='No space'):
        for i in range(100):
            writer.put(i)
    assert done == list(range(7)) and writer.failed
    with pytest.raises(OSError):
        writer.close()


@pytest.mark.skipif(not os.path.exists('/dev/full'), reason='needs /dev/full')
def test_a_full_disk_stops_the_run_in_one_line(pose_model, detector, tmp_path):
    """results.jsonl on a full disk (/dev/full: every write fails with ENOSPC)."""
    out = tmp_path / 'out'
    out.mkdir()
    os.symlink('/dev/full', out / 'results.jsonl')
    video = _street(tmp_path / 'street.mp4', loops=4)
    read = []
    pipe = PosePipeline(pose_model, detector)
    real = pipe.process_bgr

    def counted(*a, **k):
        read.append(1)
        return real(*a, **k)

    pipe.process_bgr = counted
    with pytest.raises(InputError, match=r"cannot write .*results.jsonl.*: No space left on "
                       r"device; the run stopped after 0 frames") as e:
        run(pipe, video, str(out), progress=False)
    assert '\n' not in str(e.value)
    assert len(read) < 20  # the reader stopped: not every one of the 20 frames was estimated


def test_a_video_that_fails_mid_way_keeps_the_frames_before(pose_model, detector, tmp_path,
                                                             monkeypatch):
    """A reader that raises mid-video: the frames before are written, the error raised."""
    import rtmpose_plugin.inference.runner as runner
    video = _street(tmp_path / 'street.mp4', loops=2)
    real = runner._frames

    def failing(*a, **k):
        for n, frame in enumerate(real(*a, **k)):
            if n == 6:
                raise RuntimeError('the decoder failed at frame 6')
            yield frame

    monkeypatch.setattr(runner, '_frames', failing)
    out = tmp_path / 'out'
    with pytest.raises(RuntimeError, match='frame 6'):
        run(PosePipeline(pose_model, detector), video, str(out), progress=False)
    assert len(_lines(out / 'results.jsonl')) == 6
    assert len(video_frames(out / 'annotated.mp4')) == 6


def test_a_stream_url_is_read_as_a_live_source(tmp_path, monkeypatch):
    """rtsp:// and the like: not a path (no "does not exist"), read like a camera
    (wall-clock timestamps, the newest frame kept), its frames named stream_N."""
    import rtmpose_plugin.inference.sources as sources
    from rtmpose_plugin.inference.runner import check_out_dir, check_source
    from rtmpose_plugin.testing import StandingPoseModel
    opened = []

    class Stream:
        def __init__(self, url):
            opened.append(url)
            self.left = 6

        def isOpened(self):
            return True

        def get(self, prop):
            return 0.0

        def read(self):
            self.left -= 1
            return (self.left >= 0), np.full((120, 160, 3), 80, np.uint8)

        def release(self):
            pass

    monkeypatch.setattr(sources.cv2, 'VideoCapture', Stream)
    url = 'rtsp://127.0.0.1:8554/cam'
    check_source(url)
    check_out_dir(str(tmp_path / 'out'), url)
    pipe = PosePipeline(StandingPoseModel(), lambda im: np.array([[10, 10, 90, 110, 0.9]]))
    summary = run(pipe, url, str(tmp_path / 'out'), progress=False, keep_all_frames=True,
                  save_frames=False)
    assert opened == [url] and summary['frames'] == 6 and summary['dropped'] == 0
    names = [json.loads(l)['name'] for l in open(tmp_path / 'out' / 'results.jsonl')]
    assert names == [f'stream_{i:06d}' for i in range(6)]
