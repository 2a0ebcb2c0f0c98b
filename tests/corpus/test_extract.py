"""``rtmpose extract``: one output per good input, a manifest line per input, resume, kills.

Both engines over one folder mixing videos, images and broken files (the Ray one on a
local cluster the test starts), RTMPose-t with random weights and the real RTMDet-nano.
"""
import json
import os
import os.path as osp
import shutil
import signal
import subprocess
import sys
import time

import cv2
import numpy as np
import pytest

from rtmpose_plugin.corpus import MANIFEST, extract, iter_inputs, output_name
from rtmpose_plugin.corpus.manifest import Manifest, read_done
from rtmpose_plugin.testing import video_frames

from ..conftest import shared

DET = shared('models', 'rtmdet-nano-person')
GOOD = ('a/000000000785.jpg', 'a/000000040083.jpg', 'b/000000000785.jpg', 'b/street.mp4',
        'b/deeper/street_again.mp4')
BAD = {'b/empty.mp4', 'b/corrupt.mp4', 'b/bad.jpg', 'b/notes.csv', 'b/cut.mp4'}


def _corpus(root, video_frames=None):
    """Two folders with a same-named image, videos, and five kinds of broken file."""
    a, b = root / 'a', root / 'b'
    (b / 'deeper').mkdir(parents=True)
    a.mkdir()
    for name in ('000000000785.jpg', '000000040083.jpg'):
        shutil.copy(shared('coco', name), a / name)
    shutil.copy(shared('coco', '000000000785.jpg'), b / '000000000785.jpg')
    street = shared('video', 'street.mp4')
    if video_frames:
        _video(street, b / 'street.mp4', video_frames)
        _video(street, b / 'deeper' / 'street_again.mp4', video_frames)
    else:
        shutil.copy(street, b / 'street.mp4')
        shutil.copy(street, b / 'deeper' / 'street_again.mp4')
    (b / 'empty.mp4').write_bytes(b'')
    (b / 'corrupt.mp4').write_bytes(np.random.default_rng(0).bytes(5000))
    (b / 'bad.jpg').write_bytes(b'\xff\xd8 not a jpeg at all')
    (b / 'notes.csv').write_text('not media\n')
    data = open(street, 'rb').read()
    (b / 'cut.mp4').write_bytes(data[:len(data) // 2])  # cut before its index
    (root / '.hidden.jpg').write_bytes(b'')
    return root


def _video(src, dst, frames):
    loop = video_frames(src)
    h, w = loop[0].shape[:2]
    out = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*'mp4v'), 5.0, (w, h))
    for i in range(frames):
        out.write(loop[i % len(loop)])
    out.release()


def _manifest(out):
    return [json.loads(l) for l in open(osp.join(out, MANIFEST))]


def _check_job(root, out, lines, video_frames=5):
    by_input = {osp.relpath(r['input'], root): r for r in lines}
    assert set(by_input) == set(GOOD) | BAD, sorted(by_input)
    for rel in GOOD:
        r = by_input[rel]
        assert r['status'] == 'done' and r['error'] is None, r
        assert r['output'] == output_name(str(root / rel))
        rows = [json.loads(l) for l in open(osp.join(out, r['output']))]
        assert len(rows) == r['frames'] > 0 and all('instances' in x for x in rows)
    for rel in BAD:
        r = by_input[rel]
        assert r['status'] == 'error' and r['output'] is None and r['error'], r
        assert '\n' not in r['error']
    outputs = sorted(f for f in os.listdir(out) if f.endswith('.jsonl') and f != MANIFEST)
    assert outputs == sorted(by_input[g]['output'] for g in GOOD)  # exactly one per good
    assert by_input['a/000000000785.jpg']['output'] != by_input['b/000000000785.jpg']['output']
    assert by_input['b/street.mp4']['frames'] == video_frames
    assert not osp.exists(osp.join(out, '.parts'))


def test_inputs_stream_from_folders_globs_and_lists(tmp_path):
    root = _corpus(tmp_path / 'in')
    listed = tmp_path / 'list.txt'
    listed.write_text('# a list\nin/a\n\nin/b/*.mp4\nin/missing.jpg\n')
    got = [osp.relpath(p, tmp_path) for p in iter_inputs([str(listed)])]
    assert got[:2] == ['in/a/000000000785.jpg', 'in/a/000000040083.jpg']
    assert set(got[2:-1]) == {f'in/b/{n}' for n in ('street.mp4', 'empty.mp4', 'corrupt.mp4',
                                                    'cut.mp4')}
    assert got[-1] == 'in/missing.jpg'  # kept: the job records it as an error
    walked = list(iter_inputs([str(root)], out_dir=str(root / 'b' / 'deeper')))
    assert not any('deeper' in p or 'hidden' in p for p in walked)  # the out folder skipped


def test_the_manifest_survives_a_line_cut_by_a_kill(tmp_path):
    m = Manifest(str(tmp_path))
    m.write(dict(input='x', output='x.1.jsonl', status='done'))
    m.close()
    with open(tmp_path / MANIFEST, 'a') as f:
        f.write('{"input": "y", "output": "y.2.jso')  # the driver killed mid-line
    m = Manifest(str(tmp_path))
    m.write(dict(input='z', output='z.3.jsonl', status='done'))
    m.write(dict(input='x', output='x.1.jsonl', status='error', error='later'))
    m.close()
    assert read_done(str(tmp_path)) == {'z.3.jsonl'}


@pytest.mark.slow
def test_local_engine_one_output_per_input_then_resume(coco_sdk, tmp_path):
    root = _corpus(tmp_path / 'in')
    out = str(tmp_path / 'out')
    s = extract([str(root)], out, coco_sdk, DET, engine='local', workers=2, progress=False,
                backend='onnxruntime', precision='fp32')
    assert (s['done'], s['failed'], s['skipped'], s['workers'], s['threads']) == \
        (5, 5, 0, 2, 1)
    lines = _manifest(out)
    _check_job(root, out, lines)
    again = extract([str(root)], out, coco_sdk, DET, engine='local', workers=2,
                    progress=False, backend='onnxruntime', precision='fp32')
    assert (again['done'], again['skipped'], again['failed']) == (0, 5, 5)
    assert _manifest(out)[:len(lines)] == lines  # a second run only retried the errors
    assert {r['status'] for r in _manifest(out)[len(lines):]} == {'error'}


def _extract_cli(*args, **kw):
    return subprocess.Popen([sys.executable, '-m', 'rtmpose_plugin.console', 'extract',
                             *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kw)


def _children(pid):
    kids = []
    for d in os.listdir('/proc'):
        if d.isdigit():
            try:
                stat = open(f'/proc/{d}/stat').read()
            except OSError:
                continue
            if int(stat.rsplit(')', 1)[1].split()[1]) == pid:
                kids.append(int(d))
    return kids


def _wait_for(cond, timeout=120):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow
@pytest.mark.parametrize('kill', ['worker', 'driver', 'sigterm', 'ctrl-c'])
def test_a_kill_mid_job_loses_nothing_and_a_rerun_completes(coco_sdk, tmp_path, kill):
    """kill -9 of a worker mid-input (the pool replaces it and runs the input again), of
    the driver, or SIGTERM or Ctrl-C to the driver (nothing partial under a final name, the
    workers gone with it; the next run does the rest)."""
    root = _corpus(tmp_path / 'in', video_frames=60)
    out = str(tmp_path / 'out')
    args = [str(root), '--out', out, '--pose', coco_sdk, '--det', DET, '--backend',
            'onnxruntime', '--workers', '2', '--no-progress']
    proc = _extract_cli(*args)
    parts = osp.join(out, '.parts')
    assert _wait_for(lambda: osp.isdir(parts) and any(
        n.startswith('street') for n in os.listdir(parts))), proc.communicate()
    workers = [p for p in _children(proc.pid)
               if 'spawn_main' in open(f'/proc/{p}/cmdline').read()]
    assert len(workers) == 2
    os.kill(workers[0] if kill == 'worker' else proc.pid,
            {'sigterm': signal.SIGTERM, 'ctrl-c': signal.SIGINT}.get(kill, signal.SIGKILL))
    stdout, stderr = proc.communicate(timeout=300)
    finals = [f for f in os.listdir(out) if f.endswith('.jsonl') and f != MANIFEST]
    for f in finals:  # every output under a final name is complete
        frames = [json.loads(l) for l in open(osp.join(out, f))]
        assert frames and len(frames) in (1, 60)
    if kill == 'worker':
        assert proc.returncode == 1, stderr  # the broken files failed; all else done
        assert '5 inputs done' in stderr and '5 failed' in stderr
    else:
        if kill in ('sigterm', 'ctrl-c'):
            assert proc.returncode == 130 and 'interrupted: ' in stderr, stderr
        else:
            assert proc.returncode == -signal.SIGKILL
        assert _wait_for(lambda: not any(osp.exists(f'/proc/{p}') for p in workers), 60), \
            'the workers outlived their driver'
        rerun = subprocess.run([sys.executable, '-m', 'rtmpose_plugin.console', 'extract',
                                *args], capture_output=True, text=True, timeout=300)
        assert rerun.returncode == 1, rerun.stderr
    _check_job(root, out, _manifest(out), video_frames=60)


@pytest.mark.slow
def test_ray_engine_on_a_local_cluster_retries_a_killed_worker(coco_sdk, tmp_path):
    """Ray actors hold the models; one is killed -9 mid-input, Ray restarts it and runs its
    inputs again: the same manifest and outputs as the local engine's."""
    import threading
    root = _corpus(tmp_path / 'in', video_frames=30)
    out = str(tmp_path / 'out')
    killed = []

    def kill_one(engine):
        pids = engine.pids()
        assert len(set(pids)) == 2  # two actors, two processes

        def later():
            parts = osp.join(out, '.parts')
            if _wait_for(lambda: osp.isdir(parts) and any(
                    n.startswith('street') for n in os.listdir(parts))):
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])
        threading.Thread(target=later, daemon=True).start()

    s = extract([str(root)], out, coco_sdk, DET, engine='ray', workers=2, progress=False,
                backend='onnxruntime', precision='fp32', on_start=kill_one)
    assert killed, 'no worker was killed mid-input'
    assert (s['done'], s['failed']) == (5, 5), s
    lines = _manifest(out)
    _check_job(root, out, lines, video_frames=30)
    assert len(lines) == 10  # each input once: the retried ones were not recorded twice


def test_ray_missing_is_one_line_naming_the_extra(coco_sdk, tmp_path, monkeypatch):
    from rtmpose_plugin.console import run_extract
    monkeypatch.setitem(sys.modules, 'ray', None)  # import ray fails, as without the extra
    code, line = run_extract([shared('coco', '000000000785.jpg'), '--out', str(tmp_path),
                              '--pose', coco_sdk, '--det', DET, '--engine', 'ray'])
    assert code == 1 and "rtmpose_plugin[distributed]" in line and '\n' not in line
    assert not os.listdir(tmp_path)  # nothing was started or written


def test_usage_errors_exit_2(tmp_path):
    for args in ([], ['x.jpg'], ['x.jpg', '--out', str(tmp_path), '--pose', 'p', '--det', 'd',
                                 '--engine', 'spark'],
                 ['x.jpg', '--out', str(tmp_path), '--pose', 'p', '--det', 'd',
                  '--ray-address', 'auto']):
        proc = subprocess.run([sys.executable, '-m', 'rtmpose_plugin.console', 'extract',
                               *args], capture_output=True, text=True)
        assert proc.returncode == 2, (args, proc.stderr)


@pytest.mark.slow
def test_all_done_exits_0_and_a_rerun_does_nothing(coco_sdk, tmp_path):
    from rtmpose_plugin.console import run_extract
    listed = tmp_path / 'inputs.txt'
    listed.write_text(''.join(shared('coco', n) + '\n'
                              for n in ('000000000785.jpg', '000000040083.jpg')))
    args = [str(listed), '--out', str(tmp_path / 'out'), '--pose', coco_sdk, '--det', DET,
            '--backend', 'onnxruntime', '--no-progress']
    code, line = run_extract(args)
    assert code == 0 and line.startswith('2 inputs done, 0 done before, 0 failed'), line
    code, line = run_extract(args)
    assert code == 0 and line.startswith('0 inputs done, 2 done before, 0 failed'), line
    assert len(_manifest(tmp_path / 'out')) == 2


def test_each_worker_gets_cores_of_its_own():
    """Two one-thread workers on cores of their own, not both on the first (OpenVINO pins
    its threads to the first core it may use)."""
    from rtmpose_plugin.corpus.worker import pin_to_cores
    before = os.sched_getaffinity(0)
    try:
        allowed = sorted(before)
        got = []
        for i in range(len(allowed) + 1):  # each worker pins once, from the whole set
            os.sched_setaffinity(0, before)
            got.append(pin_to_cores(i, 1))
            assert os.sched_getaffinity(0) == set(got[-1])
        os.sched_setaffinity(0, before)
        assert got[:len(allowed)] == [[c] for c in allowed]  # one each, all different
        assert got[len(allowed)] == [allowed[0]]  # more workers than cores: round again
        if len(allowed) >= 2:
            assert pin_to_cores(0, 2) == allowed[:2]
    finally:
        os.sched_setaffinity(0, before)


@pytest.mark.slow
def test_a_model_that_cannot_open_stops_the_job_in_one_line(tmp_path):
    from rtmpose_plugin.console import run_extract
    bogus = tmp_path / 'bogus'
    bogus.mkdir()
    (bogus / 'end2end.onnx').write_bytes(b'not an onnx model')
    code, line = run_extract([shared('coco', '000000000785.jpg'), '--out',
                              str(tmp_path / 'out'), '--pose', str(bogus), '--det', DET,
                              '--backend', 'onnxruntime', '--no-progress'])
    assert code == 1 and line.startswith('error: ') and '\n' not in line, line
    assert not [f for f in os.listdir(tmp_path / 'out') if f != MANIFEST] \
        if osp.isdir(tmp_path / 'out') else True
