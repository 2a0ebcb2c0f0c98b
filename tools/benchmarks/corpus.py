"""``rtmpose extract`` over a corpus: workers, engines, per-input overhead, driver memory.

Each row's runs go one after another in one process (the engines spawn their own
workers), alternating in order over rounds; ratios are taken within a round and their
median reported, with an A/A control (the same engine and workers run twice).
"""
from __future__ import annotations

import os
import os.path as osp
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Dict, List

import cv2
import numpy as np

from .whole_job import make_video


def _videos(root: str, folder: str, n: int, frames: int) -> str:
    os.makedirs(folder, exist_ok=True)
    first = make_video(root, 'street (looped)', osp.join(folder, 'v000.mp4'), frames)
    for i in range(1, n):
        os.link(first, osp.join(folder, f'v{i:03d}.mp4'))  # the same bytes, n inputs
    return folder


def _job(folder: str, out: str, pose: str, det: str, engine: str, workers: int,
         threads: int, backend: str, precision: str) -> float:
    import shutil

    from rtmpose_plugin.corpus import extract
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    s = extract([folder], out, pose, det, engine=engine, workers=workers, threads=threads,
                progress=False, backend=backend, precision=precision, det_interval=5)
    seconds = time.perf_counter() - t0
    assert s['failed'] == 0 and s['done'] > 0, s
    return s['done'] / seconds


ENGINE_HEADER = ('| backend | run | inputs | inputs/s (median) | ratio to 1 local worker x 1 '
                 'thread | ratio to 1 local worker x 2 threads | ratio to 2 local workers |\n'
                 '|---|---|---|---|---|---|---|')


def engine_rows(pose: str, det: str, n: int = 20, frames: int = 25, rounds: int = 3,
                backend: str = 'openvino', precision: str = 'bf16', ray: bool = True):
    """Inputs/s of 1 local worker (1 and 2 threads), 2 (and again: A/A), 2 Ray actors."""
    from rtmpose_plugin.datasets.samples import default_data_root
    runs = [('local, 1 worker x 1 thread', 'local', 1, 1),
            ('local, 1 worker x 2 threads', 'local', 1, 2),
            ('local, 2 workers x 1 thread', 'local', 2, 1),
            ('local, 2 workers x 1 thread, again (A/A)', 'local', 2, 1)]
    if ray:  # on a cluster started before, as one is used (its start-up is said apart)
        runs.append(('ray (a local cluster started before), 2 actors x 1 thread', 'ray', 2, 1))
        import ray as ray_module

        from rtmpose_plugin.corpus.engines import cores
        t0 = time.perf_counter()
        ray_module.init(num_cpus=cores(), object_store_memory=100 * 2**20,
                        include_dashboard=False, log_to_driver=False)
        print(f'(ray.init of the local cluster: {time.perf_counter() - t0:.1f} s)',
              flush=True)
    rate: Dict[str, List[float]] = {r[0]: [] for r in runs}
    with tempfile.TemporaryDirectory() as tmp:
        folder = _videos(default_data_root(), osp.join(tmp, 'in'), n, frames)
        for r in range(rounds):
            for label, engine, workers, threads in runs[r % len(runs):] + runs[:r % len(runs)]:
                rate[label].append(_job(folder, osp.join(tmp, 'out'), pose, det, engine,
                                        workers, threads, backend, precision))
    if ray:
        ray_module.shutdown()
    base = [rate[runs[i][0]] for i in (0, 1, 2)]
    for label, *_ in runs:
        v = rate[label]
        ratios = ' | '.join(f'{statistics.median(a / b for a, b in zip(v, w)):.3f}'
                            for w in base)
        yield (f'| {backend} {precision} | {label} | {n} videos x {frames} frames | '
               f'{statistics.median(v):.2f} | {ratios} |')


_CHILD = r'''
import sys, time
t0 = time.perf_counter()
from rtmpose_plugin.console import main
code = main(sys.argv[1:])
print('WALL', time.perf_counter() - t0)
sys.exit(code)
'''

OVERHEAD_HEADER = ('| command (one video of {frames} frames, fresh process) | seconds '
                   '(median) | ratio to `rtmpose pose` |\n|---|---|---|')


def overhead_rows(pose: str, det: str, frames: int = 200, rounds: int = 5,
                  backend: str = 'openvino', precision: str = 'bf16'):
    """``rtmpose extract`` on one input against ``rtmpose pose`` on it (and pose again)."""
    from rtmpose_plugin.datasets.samples import default_data_root
    with tempfile.TemporaryDirectory() as tmp:
        video = make_video(default_data_root(), 'street (looped)', osp.join(tmp, 'v.mp4'),
                           frames)
        common = ['--pose', pose, '--det', det, '--backend', backend, '--precision',
                  precision, '--det-interval', '5', '--no-progress']
        runs = {'rtmpose pose': ['pose', video, '--out', osp.join(tmp, 'p')] + common,
                'rtmpose pose, again (A/A)': ['pose', video, '--out', osp.join(tmp, 'q')]
                + common,
                'rtmpose extract': ['extract', video, '--out', osp.join(tmp, 'e')] + common}
        wall: Dict[str, List[float]] = {k: [] for k in runs}
        names = list(runs)
        for r in range(rounds):
            for name in names[r % 3:] + names[:r % 3]:
                import shutil
                shutil.rmtree(osp.join(tmp, 'e'), ignore_errors=True)
                proc = subprocess.run([sys.executable, '-c', _CHILD] + runs[name],
                                      capture_output=True, text=True)
                assert proc.returncode == 0, proc.stderr[-2000:]
                wall[name].append(float(proc.stdout.split('WALL')[-1]))
        base = wall['rtmpose pose']
        for name in names:
            yield (f'| `{name}` | {statistics.median(wall[name]):.2f} | '
                   f'{statistics.median(a / b for a, b in zip(wall[name], base)):.3f} |')


_MEMORY_CHILD = r'''
import sys, time
from rtmpose_plugin.corpus import extract
folder, out, pose, det = sys.argv[1:5]
t0 = time.perf_counter()
s = extract([folder], out, pose, det, engine='local', workers=2, progress=True,
            backend='openvino', precision='bf16')
hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]
print('RESULT', s['inputs'], s['done'], s['skipped'], s['failed'], hwm,
      time.perf_counter() - t0)
'''

MEMORY_HEADER = ('| inputs listed | run | done | skipped | driver peak RSS (MiB) | seconds |\n'
                 '|---|---|---|---|---|---|')


def memory_rows(pose: str, det: str, counts=(1000, 10000), listed: int = 100000):
    """The driver's peak RSS (VmHWM: not what a parent's fork leaves in ru_maxrss).

    Real runs over ``counts`` images, then the rerun of a job of ``listed`` inputs (every
    one listed, looked up in the manifest and skipped; its manifest and outputs written
    beforehand)."""
    import json

    from rtmpose_plugin.corpus import MANIFEST, iter_inputs, output_name

    def child(folder, out):
        proc = subprocess.run([sys.executable, '-c', _MEMORY_CHILD, folder, out, pose, det],
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr[-2000:]
        f = proc.stdout.split('RESULT')[-1].split()
        return int(f[0]), int(f[1]), int(f[2]), int(f[4]) / 1024, float(f[5])

    with tempfile.TemporaryDirectory() as tmp:
        rng = np.random.default_rng(0)
        tiny = cv2.imencode('.png', rng.integers(0, 255, (32, 32, 3), np.uint8))[1].tobytes()

        def folder_of(n):
            folder = osp.join(tmp, f'in{n}')
            if osp.isdir(folder):  # made for a row before
                return folder
            for i in range(n):
                sub = osp.join(folder, f'{i // 1000:04d}')
                if i % 1000 == 0:
                    os.makedirs(sub)
                with open(osp.join(sub, f'{i:07d}.png'), 'wb') as f:
                    f.write(tiny)
            return folder

        for n in counts:
            folder = folder_of(n)
            inputs, done, skipped, mib, seconds = child(folder, osp.join(tmp, f'out{n}'))
            yield f'| {inputs} | run | {done} | {skipped} | {mib:.0f} | {seconds:.0f} |'
        folder, out = folder_of(listed), osp.join(tmp, 'outL')
        os.makedirs(out)
        with open(osp.join(out, MANIFEST), 'w') as m:
            for path in iter_inputs([folder]):
                name = output_name(path)
                open(osp.join(out, name), 'w').close()
                m.write(json.dumps(dict(input=path, output=name, status='done', frames=1,
                                        people=0, seconds=0.01, error=None)) + '\n')
        inputs, done, skipped, mib, seconds = child(folder, out)
        yield f'| {inputs} | rerun of a finished job | {done} | {skipped} | {mib:.0f} | ' \
              f'{seconds:.0f} |'
