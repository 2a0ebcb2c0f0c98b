"""Run the pipeline over a frame source (:mod:`.sources`) and write as it goes: the
writers of ``results.jsonl`` and the annotated output (drawn by :mod:`.drawing`).

Each frame's result is appended to ``results.jsonl`` and flushed before the next frame is
read, and annotated frames are written at once, so an interrupted run keeps everything
it did. A file that cannot be read is recorded as an error line and skipped; a video that
ends early (truncated, corrupt) stops at its last good frame, and the summary says where;
an MP4 cut before its index is salvaged with a reference video (:mod:`.salvage`).
"""
from __future__ import annotations

import json
import os
import os.path as osp
import time
from typing import Callable, Dict, List, Optional, Union

import cv2
import numpy as np

from .drawing import draw
from .errors import InputError
from .pipeline import PosePipeline, to_bgr_uint8
from .salvage import describe
# iter_frames, check_source and draw stay importable from here, where they were
from .sources import (IMAGE_EXTS, VIDEO_EXTS, _frames, check_source,  # noqa: F401
                      iter_frames)


def check_out_dir(out_dir: str) -> None:
    """An output folder that exists or can be made, checked before a run starts.

    Raises:
        InputError: ``out_dir`` is a file, or its nearest existing parent is not writable.
    """
    if osp.exists(out_dir):
        if not osp.isdir(out_dir):
            raise InputError(f'--out {out_dir!r} is a file: give a folder')
        if not os.access(out_dir, os.W_OK):
            raise InputError(f'--out {out_dir!r} is not writable')
        return
    parent = osp.dirname(osp.abspath(out_dir))
    while not osp.exists(parent):
        parent = osp.dirname(parent)
    if not osp.isdir(parent) or not os.access(parent, os.W_OK):
        raise InputError(f'--out {out_dir!r} cannot be made: {parent!r} is not a writable '
                         'folder')


def run(pipeline: PosePipeline, source: Union[str, int], out_dir: str,
        boxes_for: Optional[Callable] = None,
        progress: bool = True, max_frames: Optional[int] = None,
        save_frames: bool = True, reference: Optional[str] = None,
        checked: bool = False) -> Dict[str, object]:
    """The pipeline over every frame of ``source``; returns a summary.

    Every frame's JSON line is flushed before the next frame is read. Ctrl-C (a camera
    runs until stopped) ends the run cleanly: the annotated video is closed so that it
    plays, and the summary says ``interrupted``.

    Args:
        boxes_for: ``frame name -> boxes`` to use instead of the detector (bundled
            detections), or None.
        save_frames: Write annotated images (an image input) or one video (a video
            input) to ``out_dir``.
        reference: A complete video to salvage an MP4 cut before its index with.
        checked: The caller has checked ``source`` and ``out_dir`` already
            (:func:`check_source`, :func:`check_out_dir`), before opening its models.

    The summary's ``video`` says how a video ended: ``frames_read``, and
    ``frames_expected`` (what its index lists) or ``salvaged``; ``video_note`` says it
    in words where it ended early or was salvaged.
    """
    from tqdm import tqdm
    if not checked:
        check_source(source, reference)
        check_out_dir(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    results_path = osp.join(out_dir, 'results.jsonl')
    is_video = isinstance(source, int) or str(source).isdigit() or str(source).lower().endswith(
        VIDEO_EXTS)
    writer = None
    frames = people = errors = 0
    start = time.perf_counter()
    video: dict = {}
    bar = tqdm(_frames(source, reference, video), disable=not progress,
               unit='frame', dynamic_ncols=True)
    interrupted = False
    with open(results_path, 'w') as log:
        try:
            for name, image, t, error in bar:
                if max_frames is not None and frames >= max_frames:
                    break
                if error is None:
                    try:
                        image = to_bgr_uint8(image)  # once: the pipeline and the drawing share it
                        boxes = boxes_for(name) if boxes_for else None
                        result = pipeline(image, boxes=boxes, timestamp=t)
                    except InputError as err:  # the input's fault; a model error stops the run
                        error = str(err)
                if error is not None:
                    log.write(json.dumps(dict(name=name, error=error)) + '\n')
                    log.flush()
                    errors += 1
                    continue
                record = dict(name=name, **result.to_json())
                log.write(json.dumps(record, allow_nan=False) + '\n')
                log.flush()
                frames += 1
                people += len(result.instances)
                if save_frames:
                    canvas = draw(image, result, pipeline.keypoints, pipeline.kpt_thr)
                    if is_video:
                        if writer is None:
                            h, w = canvas.shape[:2]
                            writer = cv2.VideoWriter(osp.join(out_dir, 'annotated.mp4'),
                                                     cv2.VideoWriter_fourcc(*'mp4v'), 30.0, (w, h))
                        writer.write(canvas)
                    else:
                        cv2.imwrite(osp.join(out_dir, osp.splitext(name)[0] + '.jpg'), canvas)
                bar.set_postfix(fps=f'{frames / (time.perf_counter() - start):.1f}', people=people)
        except KeyboardInterrupt:  # a camera runs until stopped: keep what was done
            interrupted = True
        finally:
            bar.close()
            if writer is not None:
                writer.release()
    seconds = time.perf_counter() - start
    if interrupted or (max_frames is not None and frames >= max_frames):
        video.pop('frames_expected', None)  # stopped by the user, not by the file
    return dict(frames=frames, people=people, errors=errors, seconds=round(seconds, 2),
                fps=round(frames / seconds, 2) if seconds > 0 else 0.0, results=results_path,
                interrupted=interrupted, video=video, video_note=describe(video))


def coco_detections(det_file: str, ann_file: str, score_thr: float = 0.5) -> Callable:
    """``file name -> (N, 5) boxes`` from COCO-format detection results (the bundled ones)."""
    names = {i['id']: i['file_name'] for i in json.load(open(ann_file))['images']}
    by_name: Dict[str, List] = {}
    for det in json.load(open(det_file)):
        if det.get('category_id', 1) == 1 and det['score'] >= score_thr:
            x, y, w, h = det['bbox']
            by_name.setdefault(names[det['image_id']], []).append([x, y, x + w, y + h,
                                                                   det['score']])
    return lambda name: np.array(by_name.get(name, []), np.float32).reshape(-1, 5)
