"""Run the pipeline over a frame source (:mod:`.sources`) and write as it goes.

The writers of ``results.jsonl`` and the annotated output (drawn by :mod:`.drawing`).

Frames are read and written in threads beside the inference (:mod:`.overlap`), in order.
Each frame's result is appended to ``results.jsonl`` and flushed as it is written, with
its annotated frame, so an interrupted run keeps everything it estimated. A file that cannot be read is recorded as an error line and skipped; a video that
ends early (truncated, corrupt) stops at its last good frame, and the summary says where;
an MP4 cut before its index is salvaged with a reference video (:mod:`.salvage`).
"""
from __future__ import annotations

import json
import os
import os.path as osp
import sys
import time
from typing import Callable, Dict, List, NamedTuple, Optional, Union

import cv2
import numpy as np

from .drawing import draw
from .errors import InputError, OutputError
from .overlap import Ahead, Behind
from .pipeline import FrameResult, PosePipeline, to_bgr_uint8
from .salvage import describe
# iter_frames, check_source and draw stay importable from here, where they were
from .sources import (IMAGE_EXTS, VIDEO_EXTS, _frames, check_source,  # noqa: F401
                      is_live, iter_frames)


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
    if source is not None and not is_live(source):
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
                raise OutputError(f'cannot write {self.path!r}: {e.strerror}') from None
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


class _Prepared(NamedTuple):
    """A frame as the reader hands it over: converted, its detection done if due."""
    name: str
    image: Optional[np.ndarray]
    t: Optional[float]
    error: Optional[str]
    index: int = -1  # the pipeline's frame number it was prepared for
    detections: Optional[np.ndarray] = None


class _Written(NamedTuple):
    """What the writer is handed for one frame: a result, or the frame's error."""
    name: str
    image: Optional[np.ndarray]
    result: Optional[FrameResult]
    error: Optional[str]


def _preparer(pipeline: PosePipeline, detect_ahead: bool) -> Callable:
    """The reader's work on each frame: convert once, and run the detector where due.

    The frame numbers are those the pipeline will give the frames (one per frame without
    an error); the pipeline ignores a detection whose number turns out otherwise.
    """
    index = [pipeline.frame]

    def prepare(frame) -> _Prepared:
        name, image, t, error = frame
        if error is not None:
            return _Prepared(name, None, t, error)
        try:
            image = to_bgr_uint8(image)
        except InputError as err:
            return _Prepared(name, None, t, str(err))
        i, index[0] = index[0], index[0] + 1
        dets = pipeline.detector(image) if detect_ahead and pipeline.detection_due(i) else None
        return _Prepared(name, image, t, None, i, dets)

    return prepare


class _Writer:
    """The writer's work on each frame: draw, one JSON line, the video frame or image.

    Counts what it wrote. A write that fails raises an :class:`InputError` naming the
    file and the system's reason (a full disk), which stops the run.
    """

    def __init__(self, pipeline: PosePipeline, out_dir: str, is_video: bool,
                 save_frames: bool, video: dict) -> None:
        self.pipeline, self.out_dir, self.is_video = pipeline, out_dir, is_video
        self.save_frames, self.video = save_frames, video
        self.results = _Results(out_dir)
        self.writer = None
        self.frames = self.people = self.errors = 0

    def __call__(self, item: _Written) -> None:
        try:
            self._write(item)
        except OSError as e:
            where = e.filename or self.results.path
            raise OutputError(f'cannot write {where!r}: {e.strerror or e}; the run stopped '
                             f'after {self.frames} frames, written to {self.out_dir!r}') \
                from None

    def _write(self, item: _Written) -> None:
        if item.error is not None:
            self.results.write(dict(name=item.name, error=item.error))
            self.errors += 1
            return
        result, pipe = item.result, self.pipeline
        canvas = draw(item.image, result, pipe.keypoints, pipe.kpt_thr) \
            if self.save_frames else None
        self.results.write(dict(name=item.name, **result.to_json()))  # makes out_dir
        if canvas is not None and self.is_video:
            if self.writer is None:
                h, w = canvas.shape[:2]
                self.writer = cv2.VideoWriter(osp.join(self.out_dir, VIDEO),
                                              cv2.VideoWriter_fourcc(*'mp4v'),
                                              float(self.video.get('fps') or 30.0), (w, h))
            self.writer.write(canvas)
        elif canvas is not None:
            path = osp.join(self.out_dir, item.name)
            if not cv2.imwrite(path, canvas):
                raise OSError(0, 'the image could not be written', path)
        self.frames += 1
        self.people += len(result.instances)

    def close(self, finished: bool) -> None:
        if self.writer is not None:
            self.writer.release()
        try:
            self.results.close(finished)
        except OSError:  # the write that failed said so already
            pass


def read_ahead(pipeline: PosePipeline, frames, live: bool = False,
               keep_all_frames: bool = False, detect: bool = True, threaded: bool = True,
               queue: int = 4) -> Ahead:
    """The frames of a source read, converted and detected ahead of ``pipeline``.

    An :class:`~.overlap.Ahead` of :class:`_Prepared` frames: decoded and converted once in
    the reader's thread, with the detector's output on the frames where it is due
    (``detect``; give it to :meth:`PosePipeline.process_bgr` as ``detections``). A
    ``live`` source keeps only its newest frame waiting unless ``keep_all_frames``, and
    is not detected ahead (which frames it keeps is known only as they are taken).
    """
    return Ahead(frames, _preparer(pipeline, detect_ahead=detect and not live),
                 depth=1 if live and not keep_all_frames else queue,
                 live=live and not keep_all_frames, threaded=threaded)


def estimate(pipeline: PosePipeline, item: _Prepared, boxes=None) -> FrameResult:
    """``pipeline`` on one frame of :func:`read_ahead`, its detection used if still due."""
    return pipeline.process_bgr(item.image, boxes=boxes, timestamp=item.t,
                                detections=item.detections if item.index == pipeline.frame
                                else None)


def run(pipeline: PosePipeline, source: Union[str, int], out_dir: str,
        boxes_for: Optional[Callable] = None,
        progress: bool = True, max_frames: Optional[int] = None,
        save_frames: bool = True, reference: Optional[str] = None,
        checked: bool = False, exiting: bool = False, overlap: bool = True,
        keep_all_frames: bool = False, warm_up: bool = True,
        queue: int = 4) -> Dict[str, object]:
    """The pipeline over every frame of ``source``; returns a summary.

    Reading (decoding, converting, the detector of the frames where it is due) runs
    ahead in a thread of its own, and writing (drawing, ``results.jsonl``, the MP4 or
    images) behind in another, each with a bounded queue, while the pose model runs
    here: the same frames, results and files, in the same order, as one step after
    another (``overlap=False``). Every frame's JSON line is flushed as it is written.
    Ctrl-C or SIGTERM (a camera runs until stopped) ends the run cleanly after the frame
    in hand: every frame estimated so far is written (its JSON line and video frame
    both), the video is closed so that it plays, and the summary says ``interrupted``.
    Outputs keep their inputs' names (``a.jpg`` and ``a.png`` stay two files) and a
    video its frame rate; nothing is written into ``out_dir`` before the first frame.

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
        overlap: Read and write in threads beside the inference (False: one step after
            another, in this thread).
        keep_all_frames: A live source (camera, stream) that is faster than the pipeline
            keeps every frame (and lags behind); by default the frames it cannot keep up
            with are dropped (``dropped`` in the summary), so results stay current.
        warm_up: Run the networks once before the first frame (compiled now, not on
            frame 0): the progress bar says ``warming up``.
        queue: How many frames may wait to be estimated, and to be written.

    Raises:
        OutputError: a write failed (a full disk), naming the file; the frames before are
            written.

    The summary's ``video`` says how a video ended: ``frames_read``, and
    ``frames_expected`` (what its index lists) or ``salvaged``; ``video_note`` says it
    in words where it ended early or was salvaged, and ``ended_early`` whether it
    stopped before its index's last frame. A live source's ``dropped`` counts the frames
    dropped to keep up.
    """
    from tqdm import tqdm
    if not checked:
        check_source(source, reference)
        check_out_dir(out_dir, source)
    live = is_live(source)
    is_video = live or str(source).lower().endswith(VIDEO_EXTS)
    video: dict = {}
    start = time.perf_counter()
    reader = read_ahead(pipeline, _frames(source, reference, video), live, keep_all_frames,
                        detect=boxes_for is None, threaded=overlap, queue=queue)
    out = _Writer(pipeline, out_dir, is_video, save_frames, video)
    writer = Behind(out, depth=queue, threaded=overlap)
    bar = tqdm(disable=not progress, unit='frame', dynamic_ncols=True)
    frames, warm_seconds = 0, 0.0
    finished = interrupted = warmed = False
    with _Stop(exiting) as stop:
        try:
            for item in reader:
                if max_frames is not None and frames >= max_frames:
                    break
                if warm_up and not warmed and item.error is None:
                    bar.set_description('warming up')
                    t_warm = time.perf_counter()
                    pipeline.warm_up(item.image.shape[1::-1], _batches(pipeline, item))
                    bar.set_description('')
                    start = time.perf_counter()  # frames/s of the frames, not the compile
                    warm_seconds = start - t_warm
                warmed = warmed or item.error is None
                error, result = item.error, None
                if error is None:
                    try:
                        boxes = boxes_for(item.name) if boxes_for else None
                        result = estimate(pipeline, item, boxes)
                    except InputError as err:  # the input's fault; a model error stops the run
                        error = str(err)
                writer.put(_Written(item.name, item.image, result, error))
                if error is None:
                    frames += 1
                    bar.update(1)
                    bar.set_postfix(fps=f'{frames / (time.perf_counter() - start):.1f}',
                                    people=out.people)
                if stop.asked:
                    break
            finished = True
        except KeyboardInterrupt:  # off the main thread, where the loop has no handler
            interrupted = True
        finally:
            interrupted = interrupted or stop.asked
            reader.close()
            bar.close()
            try:
                writer.close(raise_error=not sys.exc_info()[0])
            finally:
                out.close(finished or interrupted)
    seconds = time.perf_counter() - start
    if interrupted or (max_frames is not None and frames >= max_frames):
        video.pop('frames_expected', None)  # stopped by the user, not by the file
    summary = dict(frames=out.frames, people=out.people, errors=out.errors,
                   seconds=round(seconds, 2), warm_up_seconds=round(warm_seconds, 2),
                   fps=round(out.frames / seconds, 2) if seconds > 0 else 0.0,
                   results=out.results.path, interrupted=interrupted, video=video,
                   video_note=describe(video),
                   ended_early=bool(not video.get('salvaged') and video.get('frames_expected')
                                    and video.get('frames_read', 0) < video['frames_expected']))
    if live:
        summary['dropped'] = reader.dropped
    return summary


def _batches(pipeline: PosePipeline, item: _Prepared) -> tuple:
    """The pose batch sizes to warm: one crop, and the people the first detection found."""
    if item.detections is None:
        return (1, )
    try:
        dets = np.asarray(item.detections, np.float32).reshape(-1, 5)
    except ValueError:  # not (N, 5): the pipeline says so at the frame
        return (1, )
    return (1, max(1, int(np.sum(dets[:, 4] >= pipeline.det_score_thr))))


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
