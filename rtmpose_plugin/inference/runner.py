"""Run the pipeline over a frame source (:mod:`.sources`) and write as it goes.

The writers of ``results.jsonl`` and the annotated output (drawn by :mod:`.drawing`).

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


#: what a run writes into ``--out`` besides annotated images (named as their inputs)
RESULTS, VIDEO = 'results.jsonl', 'annotated.mp4'


def _inside(path: str, folder: str) -> bool:
    path, folder = osp.realpath(path), osp.realpath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def check_out_dir(out_dir: str, source: Union[str, int, None] = None) -> None:
    """An output folder that exists or can be made, and that cannot write over the input.

    Checked before a run starts. A folder input may not hold ``out_dir`` (the annotated
    images would land among, or on, the inputs); a file input may not be a file this run
    writes (``out_dir``'s ``annotated.mp4`` or ``results.jsonl``, or an image of the same
    name).

    Raises:
        InputError: ``out_dir`` is a file, not writable (or a file in it the run writes
            is not), or the run would write over its input.
    """
    if source is not None and not isinstance(source, int) and not str(source).isdigit():
        source = str(source)
        if osp.isdir(source) and _inside(out_dir, source):
            raise InputError(f'--out {out_dir!r} is inside the input folder {source!r}: the '
                             'annotated images would be written among the inputs; give an '
                             'output folder outside it')
        if osp.isfile(source) and osp.realpath(osp.dirname(osp.abspath(source))) == \
                osp.realpath(out_dir):
            mine = (RESULTS, VIDEO) if source.lower().endswith(VIDEO_EXTS) else \
                (RESULTS, osp.basename(source))
            if osp.basename(source) in mine:
                raise InputError(f'the input {source!r} is an output of a run into --out '
                                 f'{out_dir!r}, which would write over it while reading it; '
                                 'give another --out, or move the input')
    if osp.exists(out_dir):
        if not osp.isdir(out_dir):
            raise InputError(f'--out {out_dir!r} is a file: give a folder')
        if not os.access(out_dir, os.W_OK):
            raise InputError(f'--out {out_dir!r} is not writable')
        for name in (RESULTS, VIDEO):
            path = osp.join(out_dir, name)
            if osp.isdir(path):
                raise InputError(f'{path!r} is a folder, where the run writes a file: remove '
                                 'it, or give another --out')
            if osp.exists(path) and not os.access(path, os.W_OK):
                raise InputError(f'{path!r} is not writable: remove it, or give another --out')
        return
    parent = osp.dirname(osp.abspath(out_dir))
    while not osp.exists(parent):
        parent = osp.dirname(parent)
    if not osp.isdir(parent) or not os.access(parent, os.W_OK):
        raise InputError(f'--out {out_dir!r} cannot be made: {parent!r} is not a writable '
                         'folder')


class _Results:
    """``results.jsonl``, opened at the first line written.

    So a run that fails before its first frame leaves nothing in ``--out`` (an earlier run's
    file untouched)."""

    def __init__(self, out_dir: str) -> None:
        self.out_dir, self.path, self.file = out_dir, osp.join(out_dir, RESULTS), None

    def write(self, record: dict) -> None:
        if self.file is None:
            os.makedirs(self.out_dir, exist_ok=True)
            try:
                self.file = open(self.path, 'w')
            except OSError as e:
                raise InputError(f'cannot write {self.path!r}: {e.strerror}') from None
        self.file.write(json.dumps(record, allow_nan=False) + '\n')
        self.file.flush()

    def close(self, finished: bool) -> None:
        """Close; a finished run with no line at all still leaves an empty file."""
        if self.file is None and finished:
            os.makedirs(self.out_dir, exist_ok=True)
            open(self.path, 'w').close()
        if self.file is not None:
            self.file.close()


class _Stop:
    """Ctrl-C and SIGTERM during a run.

    The first asks the loop to stop after the frame in hand (its JSON line and video frame
    both written, or neither); any later one, while the run shuts down, is ignored, so
    shutdown is never cut short.
    """

    SIGNALS = ('SIGINT', 'SIGTERM')

    def __init__(self, exiting: bool = False) -> None:
        self.asked, self.exiting = False, exiting
        self.previous: dict = {}

    def _handler(self, signum, frame) -> None:
        self.asked = True

    def __enter__(self) -> '_Stop':
        import signal
        import threading
        if threading.current_thread() is threading.main_thread():
            for name in self.SIGNALS:
                sig = getattr(signal, name)
                self.previous[sig] = signal.signal(sig, self._handler)
        return self

    def __exit__(self, *exc) -> None:
        import signal
        for sig, handler in self.previous.items():  # a process about to exit keeps ignoring
            signal.signal(sig, signal.SIG_IGN if self.asked and self.exiting else handler)


def run(pipeline: PosePipeline, source: Union[str, int], out_dir: str,
        boxes_for: Optional[Callable] = None,
        progress: bool = True, max_frames: Optional[int] = None,
        save_frames: bool = True, reference: Optional[str] = None,
        checked: bool = False, exiting: bool = False) -> Dict[str, object]:
    """The pipeline over every frame of ``source``; returns a summary.

    Every frame's JSON line is flushed before the next frame is read. Ctrl-C or
    SIGTERM (a camera runs until stopped) ends the run cleanly after the frame in hand:
    ``results.jsonl`` and the annotated video hold the same frames, the video is closed
    so that it plays, and the summary says ``interrupted``. Outputs keep their inputs'
    names (``a.jpg`` and ``a.png`` stay two files) and a video its frame rate; nothing
    is written into ``out_dir`` before the first frame.

    Args:
        boxes_for: ``frame name -> boxes`` to use instead of the detector (bundled
            detections), or None.
        save_frames: Write annotated images (an image input) or one video (a video
            input) to ``out_dir``.
        reference: A complete video to salvage an MP4 cut before its index with.
        checked: The caller has checked ``source`` and ``out_dir`` already
            (:func:`check_source`, :func:`check_out_dir`), before opening its models.
        exiting: The caller (a command) exits after the run: once a signal asked it to
            stop, later ones stay ignored after it returns.

    The summary's ``video`` says how a video ended: ``frames_read``, and
    ``frames_expected`` (what its index lists) or ``salvaged``; ``video_note`` says it
    in words where it ended early or was salvaged.
    """
    from tqdm import tqdm
    if not checked:
        check_source(source, reference)
        check_out_dir(out_dir, source)
    results = _Results(out_dir)
    is_video = isinstance(source, int) or str(source).isdigit() or str(source).lower().endswith(
        VIDEO_EXTS)
    writer = None
    frames = people = errors = 0
    start = time.perf_counter()
    video: dict = {}
    bar = tqdm(_frames(source, reference, video), disable=not progress,
               unit='frame', dynamic_ncols=True)
    finished = interrupted = False
    with _Stop(exiting) as stop:
        try:
            for name, image, t, error in bar:
                if max_frames is not None and frames >= max_frames:
                    break
                if error is None:
                    try:
                        image = to_bgr_uint8(image)  # once: the pipeline and the drawing share it
                        boxes = boxes_for(name) if boxes_for else None
                        result = pipeline.process_bgr(image, boxes=boxes, timestamp=t)
                    except InputError as err:  # the input's fault; a model error stops the run
                        error = str(err)
                if error is not None:
                    results.write(dict(name=name, error=error))
                    errors += 1
                else:
                    canvas = draw(image, result, pipeline.keypoints, pipeline.kpt_thr) \
                        if save_frames else None
                    results.write(dict(name=name, **result.to_json()))  # makes out_dir
                    if canvas is not None and is_video:
                        if writer is None:
                            h, w = canvas.shape[:2]
                            writer = cv2.VideoWriter(osp.join(out_dir, VIDEO),
                                                     cv2.VideoWriter_fourcc(*'mp4v'),
                                                     float(video.get('fps') or 30.0), (w, h))
                        writer.write(canvas)
                    elif canvas is not None:
                        cv2.imwrite(osp.join(out_dir, name), canvas)
                    frames += 1
                    people += len(result.instances)
                    bar.set_postfix(fps=f'{frames / (time.perf_counter() - start):.1f}',
                                    people=people)
                if stop.asked:
                    break
            finished = True
        except KeyboardInterrupt:  # off the main thread, where the loop has no handler
            interrupted = True
        finally:
            interrupted = interrupted or stop.asked
            bar.close()
            if writer is not None:
                writer.release()
            results.close(finished or interrupted)
    seconds = time.perf_counter() - start
    if interrupted or (max_frames is not None and frames >= max_frames):
        video.pop('frames_expected', None)  # stopped by the user, not by the file
    return dict(frames=frames, people=people, errors=errors, seconds=round(seconds, 2),
                fps=round(frames / seconds, 2) if seconds > 0 else 0.0, results=results.path,
                interrupted=interrupted, video=video, video_note=describe(video))


def _read_json(path: str, what: str):
    try:
        with open(path) as f:
            return json.load(f)
    except OSError as e:
        raise InputError(f'{what} {path!r} cannot be read: {e.strerror}') from None
    except (ValueError, UnicodeDecodeError) as e:
        raise InputError(f'{what} {path!r} is not JSON ({e})') from None


def coco_detections(det_file: str, ann_file: str, score_thr: float = 0.5) -> Callable:
    """``file name -> (N, 5) boxes`` from COCO-format detection results (the bundled ones).

    Raises:
        InputError: one line naming the file and what is wrong in it (not JSON, the two
            files swapped, a detection without ``bbox`` or ``score``, an image id the
            annotation file does not list).
    """
    ann = _read_json(ann_file, 'the annotation file')
    dets = _read_json(det_file, 'the detection file')
    if isinstance(ann, list) and isinstance(dets, dict) and 'images' in dets:
        raise InputError(f'--bundled-dets takes DETS then ANN: {det_file!r} is an annotation '
                         f'file and {ann_file!r} a list of detections; swap them')
    if not isinstance(ann, dict) or not isinstance(ann.get('images'), list):
        raise InputError(f'the annotation file {ann_file!r} has no "images" list (COCO '
                         'format: images with id and file_name)')
    if not isinstance(dets, list):
        raise InputError(f'the detection file {det_file!r} is not a list of detections '
                         '(COCO results: image_id, bbox, score)')
    try:
        names = {i['id']: i['file_name'] for i in ann['images']}
    except (KeyError, TypeError):
        raise InputError(f'the annotation file {ann_file!r}: an image without id or '
                         'file_name') from None
    by_name: Dict[str, List] = {}
    for n, det in enumerate(dets):
        where = f'the detection file {det_file!r}, detection {n}'
        if not isinstance(det, dict):
            raise InputError(f'{where} is not an object')
        try:
            x, y, w, h = (float(v) for v in det['bbox'])
            score = float(det['score'])
            category = det.get('category_id', 1)
            image_id = det['image_id']
        except KeyError as e:
            raise InputError(f'{where} has no {e.args[0]!r}') from None
        except (TypeError, ValueError):
            raise InputError(f'{where}: bbox must be 4 numbers x y w h and score a '
                             'number') from None
        if image_id not in names:
            raise InputError(f'{where} names image_id {image_id!r}, which the annotation '
                             f'file {ann_file!r} does not list')
        if not all(np.isfinite((x, y, w, h, score))):
            raise InputError(f'{where}: a NaN or inf in its bbox or score')
        if category == 1 and score >= score_thr:
            by_name.setdefault(names[image_id], []).append([x, y, x + w, y + h, score])
    return lambda name: np.array(by_name.get(name, []), np.float32).reshape(-1, 5)
