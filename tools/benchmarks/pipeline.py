"""The pipeline's quality on the synthetic video, and its speed against rtmlib.

Speed: the same RTMPose ONNX model on ONNX Runtime, the same boxes (the synthetic
video's true boxes, so detection costs nothing for anyone), frames/s of: our pipeline
(all crops in one batched forward, with NMS, tracking and smoothing), our pipeline one
crop at a time, and rtmlib's ``RTMPose`` (one crop at a time), in one process.
"""
from __future__ import annotations

import time
from typing import Dict, List, Optional, Tuple

import numpy as np

from .timing import PAUSE, frames_per_second
from rtmpose_plugin.testing import Scene, evaluate, truth_detector

SMOOTHING = dict(min_cutoff=1.0, beta=0.02)


#: the re-detection IoU of the quality table's last rows
REDETECT_IOU = 0.8


def quality(scene: Scene) -> List[Dict]:
    rows = []
    for k, redetect in ((1, None), (5, None), (5, REDETECT_IOU)):
        for smooth in (False, True):
            m = evaluate(scene, k, SMOOTHING if smooth else None, redetect_iou=redetect)
            rows.append(dict(det_interval=k, one_euro=smooth, redetect_iou=redetect, **m))
    return rows


class _OneByOne:
    """A pose model called one crop at a time (what a per-box loop costs)."""

    def __init__(self, model):
        self.model, self.input_size = model, model.input_size
        self.keypoints = model.keypoints

    def __call__(self, crops):
        outs = [self.model(c[None]) for c in crops]
        return np.concatenate([o[0] for o in outs]), np.concatenate([o[1] for o in outs])


def speed(pose: str, scene: Scene, det_interval: int = 1, repeats: int = 2,
          block: int = 10, backend: str = 'onnxruntime',
          ours: Optional[Tuple[str, str]] = None) -> Dict:
    """Frames/s of ours and rtmlib on a scene's frames.

    Frames/s of ours (batched, one by one) and rtmlib on the scene's frames, both
    running the ONNX file of ``pose`` (an SDK folder or ONNX file) on ``backend``
    (``onnxruntime``, or ``openvino`` in the precision rtmlib's OpenVINO backend compiles
    in: OpenVINO's default, bf16 on a CPU with bf16). ``ours``: (backend, precision) for our
    pipeline instead, e.g. what the CLI picks by itself, against rtmlib on ``backend`` (a
    defaults-against-defaults row).

    Interleaved in blocks of ``block`` frames (the order rotating), after one untimed
    pass: this 2-core VM's speed drifts by +-15% over seconds, which whole runs timed
    one after the other would read as a difference between them. Blocks, not single
    frames: ONNX Runtime's threads spin after a run, and would slow the next runner's
    frame if each frame switched runner.
    """
    import os
    import sys

    from rtmpose_plugin.inference.opener import locate, open_pose_model
    from rtmpose_plugin.inference.pipeline import PosePipeline
    detect, state = truth_detector(scene)
    onnx_path = locate(pose)[0]

    devnull = open(os.devnull, 'w')
    stdout, sys.stdout = sys.stdout, devnull  # rtmlib prints on load
    try:
        from rtmlib import RTMPose
        rtmlib_pose = RTMPose(onnx_path, model_input_size=(192, 256), backend=backend)
    finally:
        sys.stdout = stdout
    if ours is None and backend == 'openvino':
        import openvino as ov
        hint = rtmlib_pose.compiled_model.get_property('INFERENCE_PRECISION_HINT')
        ours = ('openvino', 'bf16' if hint == ov.Type.bf16 else 'fp32')
    ours = ours or ('onnxruntime', 'fp32')
    if ours[1] not in ('fp32', 'bf16'):
        raise ValueError(f'ours must run fp32 or bf16 (the same ONNX model), got {ours}')
    model = open_pose_model(pose, backend=ours[0], precision=ours[1])
    if tuple(model.input_size) != (192, 256):
        raise ValueError(f'a 256x192 model is expected, got {model.input_size}')

    def ours_runner(pose_model):
        pipe = PosePipeline(pose_model, detector=detect, det_interval=det_interval,
                            smoothing=SMOOTHING)
        return pipe, pipe.reset

    def rtmlib():
        return (lambda img: rtmlib_pose(img, bboxes=detect(img)[:, :4].tolist())), lambda: None

    runners = dict(batched=ours_runner(model), one_by_one=ours_runner(_OneByOne(model)),
                   rtmlib=rtmlib())
    def frame(run):
        def one(f):
            state['frame'] = f
            run(scene.frames[f])
        return one

    fps = frames_per_second({k: frame(r[0]) for k, r in runners.items()}, len(scene.frames),
                            repeats, block, reset=[r[1] for r in runners.values()])
    fps['ratio_vs_rtmlib'] = fps['batched'] / fps['rtmlib']
    fps['precision'] = getattr(model, 'precision', 'fp32')
    fps['backend'] = ours[0]
    return fps


class _NetworkCost:
    """A pose network that runs on every call but returns a standing pose.

    A pose network that runs on every call (its cost is what is measured) but
    returns a standing pose filling each crop, as random weights find no pose: boxes
    from poses between detections then behave as with a trained model."""

    def __init__(self, model, keypoints: bool = True):
        from rtmpose_plugin.testing import TEMPLATE
        self.model, self.input_size = model, model.input_size
        if keypoints:
            self.keypoints = model.keypoints
        w, h = model.input_size
        self.pose = TEMPLATE * (h / 1.25) + np.array([w / 2, h / 2], np.float32)

    def __call__(self, crops):
        self.model(crops)
        b = len(crops)
        return np.repeat(self.pose[None], b, 0), np.full((b, len(self.pose)), 0.9, np.float32)


def _with_true_boxes(detector, truth):
    """The detector network runs; the scene's true boxes are returned."""

    def detect(image):
        detector(image)
        return truth(image)

    return detect


#: (pose backend, pose precision) of :func:`cpu_backends_speed`, the baseline first
PIPELINE_VARIANTS = [('onnxruntime', 'fp32'), ('openvino', 'bf16'), ('openvino', 'int8')]


def cpu_backends_speed(scene: Scene, pose_sdk: str, det_sdk: str, calibration: np.ndarray,
                       threads: int = 0, det_interval: int = 5,
                       det_size: int = 320, repeats: int = 2,
                       variants=PIPELINE_VARIANTS) -> Dict:
    """Frames/s of the whole pipeline per CPU backend.

    Frames/s of the whole pipeline (detector every ``det_interval`` frames, pose on
    every crop in one batched forward, NMS, tracking, One-Euro) per CPU backend.

    The pose model runs on ``variants``; its detector on ONNX Runtime fp32 next to an
    ONNX Runtime pose model, else on OpenVINO bf16 (f32 where the CPU has no bf16). The
    networks' weights are random, so they run for their cost and the scene's true boxes
    and a standing pose stand in for their outputs (see :class:`_NetworkCost`).
    Returns {name: frames/s} and the ratio of each to the first.
    """
    from rtmpose_plugin.inference.opener import open_detector, open_pose_model
    from rtmpose_plugin.inference.pipeline import PosePipeline
    from rtmpose_plugin.runtime.cpu import capabilities_allow
    variants = [v for v in variants if capabilities_allow(*v)]
    det_precision = 'bf16' if capabilities_allow('openvino', 'bf16') else 'fp32'
    truth, state = truth_detector(scene)
    pipelines = {}
    for backend, precision in variants:
        pose = open_pose_model(pose_sdk, backend=backend, precision=precision, threads=threads,
                               calibration=lambda size: calibration,
                               calibration_id='benchmark:coco,aic',
                               gate=dict(allow_drift=True))  # speed, not accuracy
        det = open_detector(det_sdk, backend=backend,
                            precision='fp32' if backend == 'onnxruntime' else det_precision,
                            threads=threads, size=det_size)
        name = f'{backend} {precision}'
        if backend == 'openvino':
            name += f' (detector {det_precision})'
        pipelines[name] = (_NetworkCost(pose), _with_true_boxes(det, truth))

    def fps(pose, det) -> float:
        pipe = PosePipeline(pose, detector=det, det_interval=det_interval, smoothing=SMOOTHING)
        time.sleep(PAUSE)  # let the last runtime's spinning threads rest
        t0 = time.perf_counter()
        for f, img in enumerate(scene.frames):
            state['frame'] = f
            pipe(img)
        return len(scene.frames) / (time.perf_counter() - t0)

    for pose, det in pipelines.values():  # warm-up: OpenVINO compiles each batch size once
        fps(pose, det)
    results: Dict[str, List[float]] = {k: [] for k in pipelines}
    for _ in range(repeats):  # interleaved
        for name, (pose, det) in pipelines.items():
            results[name].append(fps(pose, det))
    out = {k: float(np.median(v)) for k, v in results.items()}
    base = next(iter(out.values()))
    return dict(fps=out, ratio={k: v / base for k, v in out.items()})


CPU_BACKENDS_HEADER = ('| people | threads | pose backend | frames/s | vs ONNX Runtime fp32 |\n'
                       '|---|---|---|---|---|')


def cpu_backends_rows(threads=(1, 0), people=(1, 6), frames: int = 60):
    """Table rows of :func:`cpu_backends_speed`.

    Table rows of :func:`cpu_backends_speed` for RTMDet-nano + RTMPose-m (random
    weights), one at a time as they are measured."""
    import os
    import tempfile

    from rtmpose_plugin.datasets.samples import calibration_crops, default_data_root
    from rtmpose_plugin.deploy.export import deploy, deploy_detector
    from rtmpose_plugin.testing import make_scene, random_checkpoint
    from .deployment import CASES, _mmpose_config, shared_checkpoint
    with tempfile.TemporaryDirectory() as tmp:
        _, inp, ours_cfg, ref = next(c for c in CASES if c[0] == 'm' and c[1] == (192, 256))
        pose_ckpt = shared_checkpoint(_mmpose_config(ref), os.path.join(tmp, 'm.pth'))
        pose_sdk = os.path.join(tmp, 'pose')
        deploy(ours_cfg, pose_ckpt, pose_sdk)
        det_ckpt = random_checkpoint('rtmdet_nano_320-8xb32_coco-person.py',
                                     os.path.join(tmp, 'nano.pth'))
        det_sdk = os.path.join(tmp, 'det')
        deploy_detector('rtmdet_nano_320-8xb32_coco-person.py', det_ckpt, det_sdk, 320)
        calibration = calibration_crops(default_data_root(), inp)
        for n in people:
            scene = make_scene(people=n, frames=frames)
            for t in threads:
                r = cpu_backends_speed(scene, pose_sdk, det_sdk, calibration, threads=t)
                for name, fps in r['fps'].items():
                    yield (f"| {n} | {t or os.cpu_count()} | {name} | {fps:.1f} | "
                           f"{r['ratio'][name]:.2f}x |")


def load_package_copy(package_dir: str, alias: str = 'rtmpose_plugin_before'):
    """Another copy of this package, importable under another name.

    Another copy of this package (e.g. an earlier commit's ``rtmpose_plugin/``)
    importable as ``alias``, without running its ``__init__`` (which would register
    its modules into mmpose's registries a second time)."""
    import sys
    import types
    if alias not in sys.modules:
        pkg = types.ModuleType(alias)
        pkg.__path__ = [package_dir]
        sys.modules[alias] = pkg
    return alias


def before_after_speed(scene: Scene, pose_sdk: str, det_sdk: str, before: str,
                       det_interval: int = 5, repeats: int = 5, block: int = 10,
                       threads: int = 0) -> Dict:
    """Frames/s of the whole pipeline, this code against an earlier copy.

    Frames/s of the whole pipeline (RTMDet every ``det_interval`` frames, pose model
    on every crop, NMS, tracking, One-Euro; ONNX Runtime fp32) as built by this code and
    by the package copy importable as ``before`` (:func:`load_package_copy`) through the
    public names both have (``inference.open_pose_model``, ``open_detector``,
    ``PosePipeline``), on the same model files, plus a second instance of this code's (the A/A control). Interleaved in
    blocks of ``block`` frames after one untimed pass, the order rotating, with a rest
    before each block (as :func:`speed`). The networks run for their cost; the scene's
    true boxes and a standing pose stand in for their outputs (random weights)."""
    import importlib

    import rtmpose_plugin.inference as new
    old = importlib.import_module(f'{before}.inference')  # its public names only
    truth, state = truth_detector(scene)

    def build(api):
        pose = api.open_pose_model(pose_sdk, backend='onnxruntime', threads=threads)
        det = api.open_detector(det_sdk, threads=threads)
        return api.PosePipeline(_NetworkCost(pose), _with_true_boxes(det, truth),
                                det_interval=det_interval, smoothing=SMOOTHING)

    def ours():
        return build(new)

    def theirs():
        return build(old)

    pipes = dict(after=ours(), before=theirs(), after_copy=ours())

    def frame(pipe):
        def one(f):
            state['frame'] = f
            pipe(scene.frames[f])
        return one

    fps = frames_per_second({k: frame(p) for k, p in pipes.items()}, len(scene.frames),
                            repeats, block, reset=[p.reset for p in pipes.values()])
    return dict(fps=fps, after_vs_before=fps['after'] / fps['before'],
                aa=fps['after_copy'] / fps['after'])


BEFORE_AFTER_HEADER = ('| people | threads | before (frames/s) | after (frames/s) | after / before | '
                       'A/A: a 2nd after / after |\n|---|---|---|---|---|---|')


def before_after_rows(before_dir: str, people=(1, 6), threads=(1, 0), frames: int = 60,
                      repeats: int = 5):
    """Rows of :func:`before_after_speed`.

    Rows of :func:`before_after_speed` for RTMPose-m (random weights, exported once)
    and the real RTMDet-nano of the sample data; ``before_dir`` is an earlier commit's
    ``rtmpose_plugin/`` folder."""
    import os
    import tempfile

    from rtmpose_plugin.datasets.samples import default_data_root
    from rtmpose_plugin.deploy.export import deploy
    from .deployment import CASES, _mmpose_config, shared_checkpoint
    from rtmpose_plugin.testing import make_scene
    before = load_package_copy(before_dir)
    det_sdk = os.path.join(default_data_root(), 'models', 'rtmdet-nano-person')
    with tempfile.TemporaryDirectory() as tmp:
        _, inp, ours_cfg, ref = next(c for c in CASES if c[0] == 'm' and c[1] == (192, 256))
        pose_ckpt = shared_checkpoint(_mmpose_config(ref), os.path.join(tmp, 'm.pth'))
        pose_sdk = os.path.join(tmp, 'pose')
        deploy(ours_cfg, pose_ckpt, pose_sdk)
        for n in people:
            scene = make_scene(people=n, frames=frames)
            for t in threads:
                r = before_after_speed(scene, pose_sdk, det_sdk, before, repeats=repeats,
                                       threads=t)
                fps = r['fps']
                yield (f"| {n} | {t or os.cpu_count()} | {fps['before']:.1f} | "
                       f"{fps['after']:.1f} | {r['after_vs_before']:.3f} | {r['aa']:.3f} |")


QUALITY_HEADER = ('| detect every | re-detect when derived boxes overlap (IoU) | One-Euro | '
                  'ID switches | jitter (px/frame^2) | error (px) | matched | frames detected |'
                  '\n|---|---|---|---|---|---|---|---|')
SPEED_HEADER = ('| backend | detect every | ours, batched | ours, one crop at a time | rtmlib | '
                'ours / rtmlib |\n|---|---|---|---|---|---|')


def quality_rows(scene: Scene):
    """Rows of :func:`quality`."""
    for r in quality(scene):
        yield (f"| {r['det_interval']} | {r['redetect_iou'] or '-'} | "
               f"{'on' if r['one_euro'] else 'off'} | {r['id_switches']:.0f} | "
               f"{r['jitter']:.2f} | {r['error']:.2f} | {r['matched']:.2f} | "
               f"{r['detections']:.0f} / {len(scene.frames)} |")


def speed_rows(scene: Scene, pose: Optional[str] = None, repeats: int = 4):
    """Rows of :func:`speed` on both backends.

    Rows of :func:`speed` on both backends at K = 1 and 5, then ours on the backend
    ``tools/pose.py`` picks by itself against rtmlib's default (ONNX Runtime). ``pose``:
    an SDK folder or ONNX file; None exports RTMPose-t with random weights."""
    import os.path as osp
    import tempfile

    from rtmpose_plugin.runtime.cpu import pick_cpu_backend
    with tempfile.TemporaryDirectory() as tmp:
        if pose is None:
            from rtmpose_plugin.deploy import deploy

            from .deployment import CASES, _mmpose_config, shared_checkpoint
            _, _, ours_cfg, ref = CASES[0]
            pose = osp.join(tmp, 'sdk')
            deploy(ours_cfg, shared_checkpoint(_mmpose_config(ref), osp.join(tmp, 't.pth')),
                   pose)
        for backend in ('onnxruntime', 'openvino'):
            for k in (1, 5):
                s = speed(pose, scene, k, repeats=repeats, backend=backend)
                yield (f"| {backend} {s['precision']} | {k} | {s['batched']:.1f} | "
                       f"{s['one_by_one']:.1f} | {s['rtmlib']:.1f} | "
                       f"{s['ratio_vs_rtmlib']:.2f} |")
        choice = pick_cpu_backend()
        if choice.backend != 'onnxruntime':
            for k in (1, 5):
                s = speed(pose, scene, k, repeats=repeats, backend='onnxruntime',
                          ours=(choice.backend, choice.precision))
                yield (f"| ours {s['backend']} {s['precision']} (its automatic choice), "
                       f"rtmlib onnxruntime (its default) | {k} | {s['batched']:.1f} | "
                       f"{s['one_by_one']:.1f} | {s['rtmlib']:.1f} | "
                       f"{s['ratio_vs_rtmlib']:.2f} |")


def before_after_rows_at(rev: str, threads=(1, 0)):
    """:func:`before_after_rows` against a commit of this checkout.

    :func:`before_after_rows` against commit ``rev`` of this checkout's git history
    (its ``rtmpose_plugin/`` taken by ``git archive``)."""
    import os.path as osp
    import subprocess
    import tempfile
    with tempfile.TemporaryDirectory() as old:
        subprocess.run(f'git archive {rev} rtmpose_plugin | tar -x -C {old}', shell=True,
                       check=True)
        yield from before_after_rows(osp.join(old, 'rtmpose_plugin'), threads=threads)


def crowd_peak(boxes: int = 10000, track: bool = False, max_batch: int = 64) -> Dict:
    """Peak memory and seconds of one crowded frame through the pipeline.

    Peak memory (tracemalloc: NumPy's and Python's allocations) and seconds of one
    frame with ``boxes`` boxes through the pipeline, a stand-in pose model (no network:
    what is measured is the pipeline's own memory: crops, NMS, tracking)."""
    import tracemalloc

    from rtmpose_plugin.inference import PosePipeline

    from rtmpose_plugin.testing import StandingPoseModel as StandIn

    rng = np.random.default_rng(0)
    xy = rng.uniform((0, 0), (1800, 950), (boxes, 2))
    dets = np.concatenate([xy, xy + rng.uniform(20, 120, (boxes, 2))], 1)
    frame = np.full((1080, 1920, 3), 90, np.uint8)
    pipe = PosePipeline(StandIn(), track=track, nms_thr=2.0, max_batch=max_batch)
    tracemalloc.start()
    t0 = time.perf_counter()
    res = pipe(frame, boxes=dets)
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return dict(boxes=boxes, people=len(res.instances), peak_gib=peak / 2**30, seconds=seconds)
