"""tools/pose.py on everyday mistakes and signals: one line and an exit code (0 done,
1 error, 2 usage, 130 interrupted), nothing made under --out before the inputs and
models open, and SIGTERM handled as Ctrl-C (results flushed, the video playable)."""
import json
import os.path as osp
import signal
import subprocess
import sys
import time

import cv2
import pytest

from ..conftest import ROOT, shared

pytestmark = pytest.mark.slow
DET = ('models', 'rtmdet-nano-person')


@pytest.fixture
def sdk(coco_sdk):
    return coco_sdk


@pytest.fixture(autouse=True)
def inputs_never_change():
    """Every run here reads the sample data: hashed before and after each test."""
    folders = [shared('coco'), shared('video'), shared(*DET)]
    before = [hashes(f) for f in folders]
    yield
    assert [hashes(f) for f in folders] == before, 'a run wrote into its inputs'


def pose(*args, cwd):
    return subprocess.run([sys.executable, osp.join(ROOT, 'tools', 'pose.py'), *args,
                           '--no-progress'], capture_output=True, text=True, cwd=str(cwd))


@pytest.mark.parametrize('case, message', [
    ('missing input', 'does not exist'),
    ('unknown extension', 'neither an image'),
    ('out is a file', 'is a file: give a folder'),
    ('bad model path', 'does not exist'),
    ('swapped models', 'is a detection model, not a pose model'),
    ('bare detector as pose', 'is a detection model, not a pose model (its outputs: dets'),
    ('truncated model in an SDK folder', 'is not an ONNX model (it does not parse: a '
                                         'truncated download'),
    ('no checkpoint at all', 'is not a checkpoint: neither a torch zip nor a pickle'),
])
def test_everyday_mistakes_are_one_line_and_make_nothing(sdk, tmp_path, case, message):
    image, out, pose_model, det = shared('coco', '000000196141.jpg'), tmp_path / 'out', sdk, \
        shared(*DET)
    extra = []
    if case == 'missing input':
        image = str(tmp_path / 'nope.jpg')
    elif case == 'unknown extension':
        image = str(tmp_path / 'notes.txt')
        open(image, 'w').write('x')
    elif case == 'out is a file':
        out.write_text('x')
    elif case == 'bad model path':
        pose_model = str(tmp_path / 'missing.onnx')
    elif case == 'swapped models':
        pose_model, det = det, sdk
    elif case == 'bare detector as pose':
        pose_model = osp.join(det, 'end2end.onnx')
    elif case == 'truncated model in an SDK folder':
        import shutil
        shutil.copytree(sdk, tmp_path / 'cut')
        data = (tmp_path / 'cut' / 'end2end.onnx').read_bytes()
        (tmp_path / 'cut' / 'end2end.onnx').write_bytes(data[:len(data) // 2])
        pose_model = str(tmp_path / 'cut')
    else:
        (tmp_path / 'model.pth').write_text('not a checkpoint at all\n')
        pose_model = 'rtmpose-t_8xb256-420e_coco-256x192.py'
        extra = ['--pose-checkpoint', str(tmp_path / 'model.pth')]
    proc = pose(image, '--pose', pose_model, *extra, '--det', det, '--out', str(out),
                cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr[-2000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith('error: ') and message in last and 'Traceback' not in proc.stderr
    if case != 'out is a file':
        assert not out.exists()


def test_usage_errors_exit_2(sdk, tmp_path):
    proc = pose(shared('coco', '000000196141.jpg'), '--pose', sdk, '--det', shared(*DET),
                '--det-interval', '0', cwd=tmp_path)
    assert proc.returncode == 2 and \
        'argument --det-interval: must be an integer >= 1, got 0' in proc.stderr


def test_sigterm_finishes_the_video_and_says_interrupted(sdk, tmp_path):
    proc, out, results = _pose_on_a_long_video(sdk, tmp_path, 5)
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr[-2000:]
    assert stdout.startswith('interrupted: ') or 'interrupted: ' in stderr
    lines = [json.loads(line) for line in results.read_text().splitlines()]
    assert 5 <= len(lines) < 400
    check = cv2.VideoCapture(str(out / 'annotated.mp4'))  # finalised: it plays
    read = 0
    while check.read()[0]:
        read += 1
    assert read == len(lines)


# ---------------------------------------------------------------- nothing lost

def hashes(folder):
    import hashlib
    import os
    return {osp.join(d, f): hashlib.sha256(open(osp.join(d, f), 'rb').read()).hexdigest()
            for d, _, fs in os.walk(folder) for f in fs}


def street_copy(tmp_path):
    import shutil
    folder = tmp_path / 'in'
    folder.mkdir()
    shutil.copy(shared('video', 'street.mp4'), folder / 'street.mp4')
    return folder


def test_out_onto_or_inside_the_input_folder_is_refused_and_writes_nothing(sdk, tmp_path):
    import shutil
    folder = tmp_path / 'images'
    folder.mkdir()
    for name in ('000000000785.jpg', '000000196141.jpg'):
        shutil.copy(shared('coco', name), folder / name)
    before = hashes(folder)
    for out in (folder, folder / 'out'):
        proc = pose(str(folder), '--pose', sdk, '--det', shared(*DET), '--out', str(out),
                    cwd=tmp_path)
        assert proc.returncode == 1 and 'Traceback' not in proc.stderr
        assert 'inside the input folder' in proc.stderr.strip().splitlines()[-1]
        assert hashes(folder) == before  # not a byte written, not a file added


def test_the_previous_runs_video_as_input_is_refused_and_kept(sdk, tmp_path):
    folder = street_copy(tmp_path)
    out = tmp_path / 'out'
    common = ('--pose', sdk, '--det', shared(*DET), '--backend', 'onnxruntime')
    proc = pose(str(folder / 'street.mp4'), *common, '--out', str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    cap = cv2.VideoCapture(str(out / 'annotated.mp4'))
    assert cap.get(cv2.CAP_PROP_FPS) == 5.0  # the source's rate, not 30
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 5
    before = hashes(out)
    proc = pose(str(out / 'annotated.mp4'), *common, '--out', str(out), cwd=tmp_path)
    assert proc.returncode == 1 and 'is an output of a run into --out' in proc.stderr
    assert hashes(out) == before


def test_same_stem_images_keep_two_outputs_and_inputs_are_untouched(sdk, tmp_path):
    folder = tmp_path / 'images'
    folder.mkdir()
    img = cv2.imread(shared('coco', '000000196141.jpg'))
    cv2.imwrite(str(folder / 'a.jpg'), img)
    cv2.imwrite(str(folder / 'a.png'), img)
    before = hashes(folder)
    proc = pose(str(folder), '--pose', sdk, '--det', shared(*DET), '--out',
                str(tmp_path / 'out'), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert sorted(p.name for p in (tmp_path / 'out').iterdir()) == ['a.jpg', 'a.png',
                                                                   'results.jsonl']
    assert hashes(folder) == before


@pytest.mark.parametrize('case', ['unopenable video', 'results is a folder', 'swapped dets',
                                  'dets not json', 'dets without score', 'dets bad image id',
                                  'empty calibration folder'])
def test_failures_before_the_first_frame_leave_nothing(sdk, tmp_path, case):
    image, out = shared('coco', '000000196141.jpg'), tmp_path / 'out'
    extra = []
    dets, ann = tmp_path / 'dets.json', shared('coco', 'test_coco.json')
    if case == 'unopenable video':
        image = str(tmp_path / 'broken.mp4')
        open(image, 'wb').write(b'\x00' * 4096)
    elif case == 'results is a folder':
        (out / 'results.jsonl').mkdir(parents=True)
    elif case == 'swapped dets':
        dets.write_text(json.dumps([{'image_id': 1, 'bbox': [0, 0, 9, 9], 'score': 1}]))
        extra = ['--bundled-dets', ann, str(dets)]
    elif case == 'dets not json':
        dets.write_text('[{"image_id": ')
        extra = ['--bundled-dets', str(dets), ann]
    elif case == 'dets without score':
        dets.write_text(json.dumps([{'image_id': 196141, 'bbox': [0, 0, 9, 9]}]))
        extra = ['--bundled-dets', str(dets), ann]
    elif case == 'dets bad image id':
        dets.write_text(json.dumps([{'image_id': 123456789, 'bbox': [0, 0, 9, 9], 'score': 1}]))
        extra = ['--bundled-dets', str(dets), ann]
    else:
        (tmp_path / 'calib').mkdir()
        calibration = ['--backend', 'onnxruntime', '--precision', 'int8', '--calibration',
                       str(tmp_path / 'calib')]
    det = [] if extra else ['--det', shared(*DET)]
    if case != 'empty calibration folder':
        calibration = []
    proc = pose(image, '--pose', sdk, *det, *extra, *calibration, '--out', str(out),
                cwd=tmp_path)
    assert proc.returncode == 1 and 'Traceback' not in proc.stderr, proc.stderr[-2000:]
    line = proc.stderr.strip().splitlines()[-1]
    assert line.startswith('error: ')
    if case == 'results is a folder':
        assert 'is a folder' in line and list(out.iterdir()) == [out / 'results.jsonl']
    else:
        assert not out.exists(), list(out.iterdir())
        if 'dets' in case:
            assert str(dets) in line or ann in line
        if 'calibration' in case:
            assert str(tmp_path / 'calib') in line


@pytest.mark.parametrize('option, value', [
    ('--det-size', '7'), ('--det-size', '-5'), ('--det-size', '99999'), ('--threads', '-1'),
    ('--max-frames', '-1'), ('--det-thr', 'nan'), ('--kpt-thr', 'nan'),
    ('--redetect-iou', 'nan'), ('--det-interval', '2.5')])
def test_bad_numbers_exit_2_before_a_model_opens(tmp_path, option, value):
    proc = pose(shared('coco', '000000196141.jpg'), '--pose', str(tmp_path / 'none.onnx'),
                '--det', str(tmp_path / 'none.onnx'), option, value, '--out',
                str(tmp_path / 'out'), cwd=tmp_path)
    assert proc.returncode == 2 and f'argument {option}:' in proc.stderr
    assert not (tmp_path / 'out').exists()


def _long_video(tmp_path, n=400):
    video = str(tmp_path / 'long.mp4')
    writer = cv2.VideoWriter(video, cv2.VideoWriter_fourcc(*'mp4v'), 25, (320, 240))
    cap = cv2.VideoCapture(shared('video', 'street.mp4'))
    frames = []
    while True:
        ok, f = cap.read()
        if not ok:
            break
        frames.append(cv2.resize(f, (320, 240)))
    for i in range(n):
        writer.write(frames[i % len(frames)])
    writer.release()
    return video


def _pose_on_a_long_video(sdk, tmp_path, frames):
    """tools/pose.py started on a 400-frame video, once ``frames`` are written."""
    video = _long_video(tmp_path)
    out = tmp_path / 'out'
    proc = subprocess.Popen([sys.executable, osp.join(ROOT, 'tools', 'pose.py'), video,
                             '--pose', sdk, '--det', shared(*DET), '--backend', 'onnxruntime',
                             '--out', str(out), '--no-progress'], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=str(tmp_path))
    results = out / 'results.jsonl'
    deadline = time.time() + 120
    while time.time() < deadline and (not results.exists() or
                                      len(results.read_text().splitlines()) < frames):
        time.sleep(0.05)
    return proc, out, results


@pytest.mark.parametrize('delay', [0.02, 0.05, 0.1])
def test_a_second_signal_during_shutdown_still_ends_cleanly(sdk, tmp_path, delay):
    proc, out, results = _pose_on_a_long_video(sdk, tmp_path, 3)
    proc.send_signal(signal.SIGINT)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT if delay != 0.05 else signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr[-2000:]
    assert 'Traceback' not in stderr and 'interrupted: ' in stdout + stderr
    lines = [json.loads(line) for line in results.read_text().splitlines()]
    check = cv2.VideoCapture(str(out / 'annotated.mp4'))
    read = 0
    while check.read()[0]:
        read += 1
    assert 3 <= len(lines) < 400 and read == len(lines)  # the same frames in both


def test_a_video_that_ends_early_exits_1_with_the_frames_before_written(sdk, tmp_path):
    """An MJPG AVI cut in half: the frames before the cut are written, and the exit
    code and the line say that the video ended before its index's last frame."""
    cap = cv2.VideoCapture(shared('video', 'street.mp4'))
    avi = tmp_path / 'street.avi'
    writer = cv2.VideoWriter(str(avi), cv2.VideoWriter_fourcc(*'MJPG'), 5.0, (960, 540))
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        for _ in range(4):
            writer.write(frame)
    writer.release()
    data = avi.read_bytes()
    (tmp_path / 'cut.avi').write_bytes(data[:len(data) // 2])
    out = tmp_path / 'out'
    proc = pose(str(tmp_path / 'cut.avi'), '--pose', sdk, '--det', shared(*DET), '--out',
                str(out), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr[-2000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith('error: the video stopped at frame') and 'of the 20' in last
    written = len(results_lines(out))
    assert 3 <= written < 20 and f'{written} frames' in last


def results_lines(out):
    return [json.loads(line) for line in (out / 'results.jsonl').read_text().splitlines()]


@pytest.mark.skipif(not osp.exists('/dev/full'), reason='needs /dev/full')
def test_a_full_disk_is_one_line_and_exit_1(sdk, tmp_path):
    import os
    out = tmp_path / 'out'
    out.mkdir()
    os.symlink('/dev/full', out / 'results.jsonl')
    proc = pose(shared('video', 'street.mp4'), '--pose', sdk, '--det', shared(*DET), '--out',
                str(out), cwd=tmp_path)
    assert proc.returncode == 1 and 'Traceback' not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("error: cannot write") and 'No space left on device' in last
