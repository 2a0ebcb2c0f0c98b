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


def pose(*args, cwd):
    return subprocess.run([sys.executable, osp.join(ROOT, 'tools', 'pose.py'), *args,
                           '--no-progress'], capture_output=True, text=True, cwd=str(cwd))


@pytest.mark.parametrize('case, message', [
    ('missing input', 'does not exist'),
    ('unknown extension', 'neither an image'),
    ('out is a file', 'is a file: give a folder'),
    ('bad model path', 'does not exist'),
    ('swapped models', 'is a detection model, not a pose model'),
])
def test_everyday_mistakes_are_one_line_and_make_nothing(sdk, tmp_path, case, message):
    image, out, pose_model, det = shared('coco', '000000196141.jpg'), tmp_path / 'out', sdk, \
        shared(*DET)
    if case == 'missing input':
        image = str(tmp_path / 'nope.jpg')
    elif case == 'unknown extension':
        image = str(tmp_path / 'notes.txt')
        open(image, 'w').write('x')
    elif case == 'out is a file':
        out.write_text('x')
    elif case == 'bad model path':
        pose_model = str(tmp_path / 'missing.onnx')
    else:
        pose_model, det = det, sdk
    proc = pose(image, '--pose', pose_model, '--det', det, '--out', str(out), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr[-2000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith('error: ') and message in last and 'Traceback' not in proc.stderr
    if case != 'out is a file':
        assert not out.exists()


def test_usage_errors_exit_2(sdk, tmp_path):
    proc = pose(shared('coco', '000000196141.jpg'), '--pose', sdk, '--det', shared(*DET),
                '--det-interval', '0', cwd=tmp_path)
    assert proc.returncode == 2 and '--det-interval must be >= 1' in proc.stderr


def test_sigterm_finishes_the_video_and_says_interrupted(sdk, tmp_path):
    video = str(tmp_path / 'long.mp4')
    writer = cv2.VideoWriter(video, cv2.VideoWriter_fourcc(*'mp4v'), 25, (320, 240))
    cap = cv2.VideoCapture(shared('video', 'street.mp4'))
    frames = []
    while True:
        ok, f = cap.read()
        if not ok:
            break
        frames.append(cv2.resize(f, (320, 240)))
    for i in range(400):
        writer.write(frames[i % len(frames)])
    writer.release()
    out = tmp_path / 'out'
    proc = subprocess.Popen([sys.executable, osp.join(ROOT, 'tools', 'pose.py'), video,
                             '--pose', sdk, '--det', shared(*DET), '--backend', 'onnxruntime',
                             '--out', str(out), '--no-progress'], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=str(tmp_path))
    results = out / 'results.jsonl'
    deadline = time.time() + 120
    while time.time() < deadline and (not results.exists() or
                                      len(results.read_text().splitlines()) < 5):
        time.sleep(0.2)
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
