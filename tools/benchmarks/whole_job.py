"""The whole job (decode, detect, estimate, draw, encode, write) against the pose network.

Three videos of real people for the real RTMDet-nano, 960x540: one person
(``mpii/004645041.jpg``), the street video looped (about 3 to 4 people) and six people
(two AIC images side by side), the still ones panned a pixel a frame so that every frame
is decoded and encoded as in a real video. The pose model runs RTMPose-m's network for
its cost and answers a standing pose filling each box (random weights find no pose; see
``pipeline._NetworkCost``), so that boxes come from the poses between detections and
the detector runs every ``det_interval``-th frame only, as with a trained model.

Per video and backend, in one process, rounds of: the run step after step
(``overlap=False``, today's sequential run), the overlapped run, a second overlapped run
(the A/A control), and the pose network alone on the same crops in the same batches
(its bound), each timed from the call to ``run`` to its return. Ratios are taken within
each round and their median reported, as this VM's speed drifts over seconds.
"""
from __future__ import annotations

import os
import os.path as osp
import statistics
import time
from typing import Dict, List, Optional

import cv2
import numpy as np

from .pipeline import SMOOTHING, _NetworkCost

#: the videos: name -> (images side by side, or the street video)
SCENES = {'1 person': ('mpii/004645041.jpg', ),
          'street (looped)': None,
          '6 people': ('aic/ff945ae2e729f24eea992814639d59b3bdec8bd8.jpg',
                       'aic/054d9ce9201beffc76e5ff2169d2af2f027002ca.jpg')}
SIZE = (960, 540)


def _fit(image: np.ndarray, w: int, h: int) -> np.ndarray:
    s = min(w / image.shape[1], h / image.shape[0])
    image = cv2.resize(image, None, fx=s, fy=s)
    canvas = np.full((h, w, 3), 114, np.uint8)
    y, x = (h - image.shape[0]) // 2, (w - image.shape[1]) // 2
    canvas[y:y + image.shape[0], x:x + image.shape[1]] = image
    return canvas


def make_video(data_root: str, scene: str, path: str, frames: int = 200,
               fps: float = 25.0, size=SIZE) -> str:
    """One of :data:`SCENES` as an MP4 of ``frames`` frames."""
    images = SCENES[scene]
    if images is None:
        cap = cv2.VideoCapture(osp.join(data_root, 'video', 'street.mp4'))
        loop = []
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            loop.append(cv2.resize(frame, size))
        sequence = [loop[i % len(loop)] for i in range(frames)]
    else:
        w = size[0] // len(images)
        still = np.concatenate([_fit(cv2.imread(osp.join(data_root, p)), w, size[1])
                                for p in images], 1)
        still = cv2.resize(still, size)
        sequence = (np.roll(still, (i % 40) - 20, axis=1) for i in range(frames))
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), fps, size)
    for frame in sequence:
        writer.write(frame)
    writer.release()
    return path


def pose_m_sdk(folder: str) -> str:
    """RTMPose-m 256x192 with random weights (mmpose's architecture), exported into ``folder``."""
    from rtmpose_plugin.deploy.export import deploy

    from .deployment import CASES, _mmpose_config, shared_checkpoint
    _, _, cfg, ref = next(c for c in CASES if c[0] == 'm' and c[1] == (192, 256))
    sdk = osp.join(folder, 'pose-m')
    deploy(cfg, shared_checkpoint(_mmpose_config(ref), osp.join(folder, 'm.pth')), sdk)
    return sdk


class _Recording:
    """A pose model that keeps each batch of crops it is given (for the bound)."""

    def __init__(self, model) -> None:
        self.model, self.input_size, self.keypoints = model, model.input_size, model.keypoints
        self.batches: List[np.ndarray] = []

    def __call__(self, crops):
        if crops.max() > 0:  # not the warm-up's blank crops
            self.batches.append(crops.copy())
        return self.model(crops)


def _timed_run(pipeline, video: str, out: str, **kw) -> tuple:
    from rtmpose_plugin.inference.runner import run
    t0 = time.perf_counter()
    summary = run(pipeline, video, out, progress=False, **kw)
    return time.perf_counter() - t0, summary


def whole_job(video: str, pose, det, out_dir: str, det_interval: int = 5,
              rounds: int = 3, frames: Optional[int] = None) -> Dict:
    """Frames/s of the whole job, sequential and overlapped, and of the pose network alone.

    ``pose``/``det``: opened models (their backend, precision and threads are the
    variant measured). Returns the medians and the within-round ratios.
    """
    from rtmpose_plugin.inference.pipeline import PosePipeline
    stand_in = _NetworkCost(pose)

    def pipeline(model):
        return PosePipeline(model, det, det_interval=det_interval, smoothing=SMOOTHING)

    recording = _Recording(stand_in)
    _, first = _timed_run(pipeline(recording), video, osp.join(out_dir, 'warm'),
                          overlap=False, max_frames=frames)  # compiles, and records crops
    n = first['frames']
    batches = recording.batches
    people = sum(len(b) for b in batches) / max(n, 1)
    lines = [l for l in open(first['results'])]
    detected = sum('"detected": true' in l for l in lines)
    fps: Dict[str, List[float]] = {k: [] for k in ('sequential', 'overlapped',
                                                    'overlapped_copy', 'pose_bound')}
    for r in range(rounds):
        order = ['sequential', 'overlapped', 'overlapped_copy', 'pose_bound']
        order = order[r % 4:] + order[:r % 4]  # rotated, so no runner is always first
        for name in order:
            if name == 'pose_bound':
                t0 = time.perf_counter()
                for crops in batches:
                    pose(crops)
                fps[name].append(n / (time.perf_counter() - t0))
                continue
            seconds, s = _timed_run(pipeline(stand_in), video, osp.join(out_dir, name),
                                    overlap=name != 'sequential', max_frames=frames)
            assert s['frames'] == n
            fps[name].append(n / seconds)

    def ratio(a, b):
        return statistics.median(x / y for x, y in zip(fps[a], fps[b]))

    return dict(frames=n, people=people, detected=detected,
                fps={k: statistics.median(v) for k, v in fps.items()},
                overlapped_vs_sequential=ratio('overlapped', 'sequential'),
                overlapped_vs_bound=ratio('overlapped', 'pose_bound'),
                sequential_vs_bound=ratio('sequential', 'pose_bound'),
                aa=ratio('overlapped_copy', 'overlapped'))


#: (pose backend, precision); the detector runs on ONNX Runtime next to ONNX Runtime,
#: else on OpenVINO bf16 (f32 without bf16)
VARIANTS = [('onnxruntime', 'fp32'), ('openvino', 'bf16'), ('openvino', 'int8')]

HEADER = ('| video | people / frame | detector frames | pose backend | threads (pose, det) | '
          'sequential (frames/s) | overlapped | pose network alone | overlapped / sequential '
          '| overlapped / pose bound | sequential / pose bound | A/A |\n'
          '|---|---|---|---|---|---|---|---|---|---|---|---|')


def rows(pose_sdk: str, threads=((0, 0), ), variants=VARIANTS, scenes=tuple(SCENES),
         frames: int = 200, rounds: int = 3, det_interval: int = 5):
    """Table rows of :func:`whole_job`, one per video, variant and thread split."""
    import tempfile

    from rtmpose_plugin.datasets.samples import calibration_crops, default_data_root
    from rtmpose_plugin.inference.opener import open_detector, open_pose_model
    from rtmpose_plugin.runtime.cpu import capabilities_allow
    root = default_data_root()
    det_sdk = osp.join(root, 'models', 'rtmdet-nano-person')
    variants = [v for v in variants if capabilities_allow(*v)]
    det_precision = 'bf16' if capabilities_allow('openvino', 'bf16') else 'fp32'
    calibration = None
    with tempfile.TemporaryDirectory() as tmp:
        videos = {s: make_video(root, s, osp.join(tmp, f'{i}.mp4'), frames)
                  for i, s in enumerate(scenes)}
        for backend, precision in variants:
            if precision == 'int8' and calibration is None:
                calibration = calibration_crops(root, (192, 256))
            for pose_threads, det_threads in threads:
                pose = open_pose_model(pose_sdk, backend=backend, precision=precision,
                                       threads=pose_threads,
                                       calibration=lambda size: calibration,
                                       calibration_id='benchmark:coco,aic',
                                       gate=dict(allow_drift=True))  # speed, not accuracy
                det = open_detector(det_sdk, backend=backend, threads=det_threads,
                                    precision='fp32' if backend == 'onnxruntime'
                                    else det_precision)
                for scene, video in videos.items():
                    r = whole_job(video, pose, det, osp.join(tmp, 'out'), det_interval,
                                  rounds)
                    f = r['fps']
                    cores = os.cpu_count()
                    yield (f"| {scene} | {r['people']:.2f} | {r['detected']} / {r['frames']} | "
                           f"{backend} {precision} | {pose_threads or cores}, "
                           f"{det_threads or cores} | {f['sequential']:.1f} | "
                           f"{f['overlapped']:.1f} | {f['pose_bound']:.1f} | "
                           f"{r['overlapped_vs_sequential']:.2f} | "
                           f"{r['overlapped_vs_bound']:.2f} | {r['sequential_vs_bound']:.2f} | "
                           f"{r['aa']:.3f} |")


_PEAK_CHILD = r'''
import resource, sys, time
from rtmpose_plugin.inference import PosePipeline, open_detector, run
from rtmpose_plugin.testing import StandingPoseModel
video, out, det_sdk, overlap = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == '1'
pipe = PosePipeline(StandingPoseModel(), open_detector(det_sdk), det_interval=5)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
s = run(pipe, video, out, progress=False, overlap=overlap)
print(s['frames'], before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
      time.perf_counter() - t0)
'''


def peak_memory_rows(minutes=(1, 10), fps: float = 5.0, size=(1920, 1080)):
    """Peak memory (max RSS) of whole runs over generated 1080p videos of each length.

    The street video looped and scaled to ``size`` at ``fps``; the real RTMDet-nano every
    5th frame and a network-free standing pose (what grows with the input would be the
    queues, the writer or the results, not the networks). One fresh process per run."""
    import subprocess
    import sys
    import tempfile

    from rtmpose_plugin.datasets.samples import default_data_root
    root = default_data_root()
    det_sdk = osp.join(root, 'models', 'rtmdet-nano-person')
    with tempfile.TemporaryDirectory() as tmp:
        for m in minutes:
            frames = int(round(m * 60 * fps))
            video = make_video(root, 'street (looped)', osp.join(tmp, f'{m}.mp4'), frames,
                               fps, size)
            mb = os.path.getsize(video) / 2**20
            for overlap in (False, True):
                proc = subprocess.run([sys.executable, '-c', _PEAK_CHILD, video,
                                       osp.join(tmp, 'out'), det_sdk, str(int(overlap))],
                                      capture_output=True, text=True, check=True)
                n, before, peak, seconds = proc.stdout.split()
                yield (f"| {m} min, {size[0]}x{size[1]}, {fps:g} frames/s ({n} frames, "
                       f"{mb:.0f} MiB) | {'overlapped' if overlap else 'sequential'} | "
                       f"{int(before) / 1024:.0f} | {int(peak) / 1024:.0f} | "
                       f"{(int(peak) - int(before)) / 1024:.0f} | {float(seconds):.0f} |")


PEAK_HEADER = ('| video | run | RSS before the run (MiB) | peak RSS (MiB) | growth during the '
               'run (MiB) | seconds |\n|---|---|---|---|---|---|')


_START_CHILD = r'''
import json, statistics, sys, time
t0 = time.perf_counter()
from rtmpose_plugin.inference import PosePipeline, open_detector, open_pose_model, run
sys.path.insert(0, sys.argv[5])
from benchmarks.pipeline import _NetworkCost
pose_sdk, det_sdk, video, out, _, warm = sys.argv[1:7]
pose = open_pose_model(pose_sdk, backend='openvino', precision=sys.argv[7])
det = open_detector(det_sdk, backend='openvino', precision=sys.argv[7])
t_open = time.perf_counter() - t0
pipe = PosePipeline(_NetworkCost(pose), det, det_interval=5)
s = run(pipe, video, out, progress=False, warm_up=warm == '1', max_frames=25)
total = [json.loads(l)['timings_ms']['total'] for l in open(s['results'])]
print(t_open, s['warm_up_seconds'], total[0], statistics.median(total[1:]),
      time.perf_counter() - t0)
'''

START_HEADER = ('| OpenVINO compiled-model cache | warm-up | opening the models (s) | warm-up (s) | '
                'frame 0 (ms) | a steady frame (ms, median) | frame 0 / steady | process start '
                'to 25 frames done (s) |\n|---|---|---|---|---|---|---|---|')


def start_rows(pose_sdk: str, precision: str = 'bf16', repeats: int = 2):
    """First-frame latency and start-up, each in a fresh process, OpenVINO.

    Without warm-up (frame 0 compiles), with it, and with it from a compiled-model cache
    that an earlier run filled (``CACHE_DIR``) against no cache at all. RTMPose-m as
    in :func:`rows`, the street video, the real RTMDet-nano."""
    import subprocess
    import sys
    import tempfile

    from rtmpose_plugin.datasets.samples import default_data_root
    root = default_data_root()
    det_sdk = osp.join(root, 'models', 'rtmdet-nano-person')
    tools = osp.dirname(osp.dirname(osp.abspath(__file__)))
    with tempfile.TemporaryDirectory() as tmp:
        video = make_video(root, 'street (looped)', osp.join(tmp, 's.mp4'), 25)
        cases = [('off', '0'), ('off', '1'), ('empty (first run)', '1'),
                 ('filled by a run before', '1')]
        for rep in range(repeats):
            cache = osp.join(tmp, f'cache{rep}')
            for label, warm in cases:
                env = dict(os.environ, RTMPOSE_PLUGIN_OPENVINO_CACHE='0' if label == 'off'
                           else cache)
                proc = subprocess.run([sys.executable, '-c', _START_CHILD, pose_sdk, det_sdk,
                                       video, osp.join(tmp, 'out'), tools, warm, precision],
                                      capture_output=True, text=True, check=True, env=env)
                t_open, t_warm, first, steady, total = (float(v) for v in
                                                        proc.stdout.split()[-5:])
                yield (f"| {label} | {'yes' if warm == '1' else 'no'} | {t_open:.2f} | "
                       f"{t_warm:.2f} | {first:.0f} | {steady:.0f} | {first / steady:.2f} | "
                       f"{total:.2f} |")
