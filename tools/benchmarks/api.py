"""The front door's cost.

The API against the pipeline it wraps, cold start and the rtmlib-shaped call against
rtmlib's own, each in one run with an A/A row.

- API overhead: frames/s of ``RTMPose(...)(frame)`` over ``PosePipeline(...)(frame)``
  on the same models (opened twice, so neither shares state), the street video looped,
  interleaved in blocks; A/A: a second ``PosePipeline`` against the first.
- Cold start: seconds from process start to the first result with cached models, ours
  (``Custom``) against rtmlib's ``Custom`` on the same ONNX files and backend, processes
  alternating; A/A: ours against ours.
- The solution call: ``Custom(det=..., pose=...)(image)`` against rtmlib's ``Custom``
  with the same RTMDet and RTMPose ONNX files on ONNX Runtime, on images of 1 and 6
  people (person crops of the COCO samples pasted side by side, found by the real
  RTMDet-nano); A/A: ours against ours.
"""
from __future__ import annotations

import json
import os
import os.path as osp
import statistics
import subprocess
import sys
import time
from typing import Dict, List

import cv2
import numpy as np

from .timing import PAUSE, frames_per_second


def _quiet_rtmlib():
    """rtmlib prints on load: import it with stdout silenced."""
    import contextlib
    import io
    with contextlib.redirect_stdout(io.StringIO()):
        import rtmlib
    return rtmlib


def people_image(shared_data: str, people: int) -> np.ndarray:
    """An image of real people side by side.

    ``people`` real person crops (the COCO samples' annotated people, largest first)
    pasted side by side on a grey canvas, each scaled to 300 px high."""
    ann = json.load(open(osp.join(shared_data, 'coco', 'test_coco.json')))
    files = {i['id']: i['file_name'] for i in ann['images']}
    persons = sorted((a for a in ann['annotations'] if a.get('num_keypoints', 0) > 8),
                     key=lambda a: -a['area'])
    crops = []
    for a in persons:
        img = cv2.imread(osp.join(shared_data, 'coco', files[a['image_id']]))
        x, y, w, h = (int(round(v)) for v in a['bbox'])
        crop = img[max(y, 0):y + h, max(x, 0):x + w]
        scale = 300 / crop.shape[0]
        crops.append(cv2.resize(crop, (max(1, int(crop.shape[1] * scale)), 300)))
    crops = [crops[i % len(crops)] for i in range(people)]
    width = sum(c.shape[1] for c in crops) + 40 * (people + 1)
    canvas = np.full((380, max(width, 320), 3), 127, np.uint8)
    x = 40
    for c in crops:
        canvas[40:340, x:x + c.shape[1]] = c
        x += c.shape[1] + 40
    return canvas


def _blocks(runners: Dict[str, object], frames: List[np.ndarray], repeats: int,
            block: int = 10) -> Dict[str, float]:
    """Frames/s of each runner, interleaved in blocks (the order rotating), one pass untimed."""
    return frames_per_second({k: (lambda f, r=r: r(frames[f])) for k, r in runners.items()},
                             len(frames), repeats, block)


def api_overhead(pose: str, det: str, video: str, loops: int = 12,
                 repeats: int = 4) -> Dict[str, float]:
    """Frames/s of the API, the pipeline, and a second pipeline (A/A), same models."""
    from rtmpose_plugin import RTMPose
    from rtmpose_plugin.inference import PosePipeline, open_detector, open_pose_model
    from rtmpose_plugin.testing import video_frames
    frames = video_frames(video) * loops
    api = RTMPose(pose, det, backend='onnxruntime', precision='fp32')
    pipes = [PosePipeline(open_pose_model(pose, backend='onnxruntime', precision='fp32'),
                          open_detector(det)) for _ in range(2)]
    fps = _blocks(dict(api=api, pipeline=pipes[0], pipeline_again=pipes[1]), frames, repeats)
    fps['people'] = float(np.mean([len(api(f)) for f in frames[:5]]))
    return fps


_OURS = ('import time; t0 = time.perf_counter(); import cv2; from rtmpose_plugin import Custom; '
         'm = Custom(det={det!r}, det_input_size=(320, 320), pose={pose!r}, '
         'pose_input_size=(192, 256), backend="onnxruntime"); '
         'k, s = m(cv2.imread({image!r})); print(len(k), time.perf_counter() - t0)')
_RTMLIB = ('import time; t0 = time.perf_counter(); import cv2, contextlib, io\n'
           'with contextlib.redirect_stdout(io.StringIO()):\n'
           '    from rtmlib import Custom\n'
           '    m = Custom(det_class="RTMDet", det={det!r}, det_input_size=(320, 320), '
           'pose_class="RTMPose", pose={pose!r}, pose_input_size=(192, 256), '
           'backend="onnxruntime", device="cpu")\n'
           'k, s = m(cv2.imread({image!r})); print(len(k), time.perf_counter() - t0)')


def cold_start(pose_onnx: str, det_onnx: str, image: str, repeats: int = 7) -> Dict[str, float]:
    """Median seconds from process start to the first result.

    Median seconds from process start to the first result (the process's own clock
    from before its first import, plus the interpreter start measured outside)."""
    codes = dict(ours=_OURS, ours_again=_OURS, rtmlib=_RTMLIB)
    times: Dict[str, list] = {k: [] for k in codes}
    env = dict(os.environ)
    for rep in range(repeats + 1):
        names = list(codes)[rep % 3:] + list(codes)[:rep % 3]
        for name in names:
            code = codes[name].format(det=det_onnx, pose=pose_onnx, image=image)
            t0 = time.perf_counter()
            out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                                 env=env, cwd='/')
            wall = time.perf_counter() - t0
            if out.returncode:
                raise RuntimeError(f'{name}: {out.stderr[-2000:]}')
            if rep:
                times[name].append(wall)
    return {k: statistics.median(v) for k, v in times.items()}


def solution_call(pose_onnx: str, det_onnx: str, shared_data: str, people: int,
                  repeats: int = 30, backend: str = 'onnxruntime') -> Dict[str, float]:
    """Milliseconds per call of our ``Custom`` and rtmlib's.

    Milliseconds per call of our ``Custom`` and rtmlib's, the same ONNX files on the
    same backend (on OpenVINO ours runs in the precision rtmlib's compiles in: its
    default, bf16 on a CPU with bf16), on an image of ``people`` people; A/A: a second of
    ours."""
    from rtmpose_plugin import Custom
    rtmlib = _quiet_rtmlib()
    import contextlib
    import io
    image = people_image(shared_data, people)
    with contextlib.redirect_stdout(io.StringIO()):
        theirs = rtmlib.Custom(det_class='RTMDet', det=det_onnx, det_input_size=(320, 320),
                               pose_class='RTMPose', pose=pose_onnx, pose_input_size=(192, 256),
                               backend=backend, device='cpu')
    precision = 'fp32'
    if backend == 'openvino':
        import openvino as ov
        hint = theirs.pose_model.compiled_model.get_property('INFERENCE_PRECISION_HINT')
        precision = 'bf16' if hint == ov.Type.bf16 else 'fp32'
    same = dict(det=det_onnx, det_input_size=(320, 320), pose=pose_onnx,
                pose_input_size=(192, 256), backend=backend, precision=precision)
    ours, ours_again = Custom(**same), Custom(**same)
    runners = dict(ours=lambda: ours(image), ours_again=lambda: ours_again(image),
                   rtmlib=lambda: theirs(image))
    times: Dict[str, list] = {k: [] for k in runners}
    names = list(runners)
    for rep in range(repeats + 3):
        for name in names[rep % 3:] + names[:rep % 3]:
            time.sleep(PAUSE)
            t0 = time.perf_counter()
            runners[name]()
            if rep >= 3:
                times[name].append(time.perf_counter() - t0)
    out = {k: statistics.median(v) * 1e3 for k, v in times.items()}
    out['found_ours'] = float(len(ours(image)[0]))
    out['found_rtmlib'] = float(len(theirs(image)[0]))
    out['precision'] = precision
    return out
