"""Run the pipeline over images, folders, videos or a camera; write as it goes.

Each frame's result is appended to ``results.jsonl`` and flushed before the next frame is
read, and annotated frames are written at once, so an interrupted run keeps everything
it did. A file that cannot be read is recorded as an error line and skipped; a video that
ends early (truncated, corrupt) stops at its last good frame, and the summary says where;
an MP4 cut before its index is salvaged with a reference video (:mod:`.salvage`).
"""
from __future__ import annotations

import glob
import json
import os
import os.path as osp
import tempfile
import time
from typing import Callable, Dict, Iterator, List, Optional, Tuple, Union

import cv2
import numpy as np

from ..runtime.meta import KeypointSet
from .errors import InputError
from .pipeline import FrameResult, PosePipeline, to_bgr_uint8
from .salvage import check_salvage, describe, salvage

IMAGE_EXTS = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp')
VIDEO_EXTS = ('.mp4', '.avi', '.mov', '.mkv', '.webm')

Frame = Tuple[str, Optional[np.ndarray], Optional[float], Optional[str]]  # name, image, t, error


def iter_frames(source: Union[str, int], reference: Optional[str] = None,
                video: Optional[dict] = None) -> Iterator[Frame]:
    """(name, image or None, timestamp or None, error or None) for each frame.

    Args:
        reference: A complete video from the same camera or encoder, to salvage an MP4
            cut before its index (:func:`.salvage.salvage`).
        video: Filled, for a video, with how it ended (:func:`.salvage.describe`).

    Raises:
        FileNotFoundError: ``source`` does not exist.
        ValueError: a file of an unknown type, or a camera/video that cannot be opened.
    """
    check_source(source, reference)
    yield from _frames(source, reference, video)


def _frames(source: Union[str, int], reference: Optional[str] = None,
            video: Optional[dict] = None) -> Iterator[Frame]:
    """:func:`iter_frames` of a source already checked (:func:`check_source`)."""
    if isinstance(source, int) or (isinstance(source, str) and source.isdigit()):
        yield from _iter_video(int(source), f'camera{source}', live=True, video=video)
        return
    if osp.isdir(source):
        files = sorted(f for f in glob.glob(osp.join(source, '*'))
                       if f.lower().endswith(IMAGE_EXTS))
        for f in files:
            yield _read_image(f)
        return
    if source.lower().endswith(VIDEO_EXTS):
        yield from _iter_video(source, osp.splitext(osp.basename(source))[0],
                               reference=reference, video=video)
        return
    if source.lower().endswith(IMAGE_EXTS):
        yield _read_image(source)
        return
    raise InputError(f'{source!r} is neither an image ({", ".join(IMAGE_EXTS)}), a video '
                     f'({", ".join(VIDEO_EXTS)}), a folder nor a camera index')


def check_source(source: Union[str, int], reference: Optional[str] = None) -> None:
    """What :func:`iter_frames` would refuse, said before anything is opened or written.

    Raises:
        FileNotFoundError: ``source`` does not exist.
        InputError: a file of a type that is neither image nor video, or a video cut
            before its index without a ``reference`` that can salvage it.
    """
    if isinstance(source, int) or (isinstance(source, str) and source.isdigit()):
        return
    if not osp.exists(source):
        raise FileNotFoundError(f'input {source!r} does not exist')
    if osp.isfile(source) and not source.lower().endswith(IMAGE_EXTS + VIDEO_EXTS):
        raise InputError(f'{source!r} is neither an image ({", ".join(IMAGE_EXTS)}) nor a '
                         f'video ({", ".join(VIDEO_EXTS)})')
    if osp.isfile(source) and source.lower().endswith(VIDEO_EXTS):
        check_salvage(source, reference)


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


def _read_image(path: str) -> Frame:
    image = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if image is None or image.size == 0:
        return osp.basename(path), None, None, f'cannot read image {path}'
    return osp.basename(path), image, None, None


def _iter_video(source: Union[str, int], stem: str, live: bool = False,
                reference: Optional[str] = None,
                video: Optional[dict] = None) -> Iterator[Frame]:
    """Frames of a video file (timestamps from its frame rate) or a camera (``live``:
    wall-clock timestamps, as a camera's reported rate is often 0 or nominal)."""
    video = {} if video is None else video
    cap = cv2.VideoCapture(source)
    with tempfile.TemporaryDirectory(prefix='rtmpose-salvage-') as tmp:
        fps = None
        if not cap.isOpened() and not live and check_salvage(source, reference):
            found = salvage(source, reference, tmp)
            video.update(salvaged=True, codec=found.codec, used=found.used,
                         available=found.available)
            cap, fps = cv2.VideoCapture(found.path), found.fps
        if not cap.isOpened():
            raise ValueError(f'cannot open video {source!r} (missing codec, not a video, or no '
                             'camera at that index)')
        fps = fps or cap.get(cv2.CAP_PROP_FPS) or 30.0
        count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        if not live and not video.get('salvaged') and count > 0:
            video['frames_expected'] = count
        index = 0
        start = time.perf_counter()
        try:
            while True:
                ok, frame = cap.read()
                if not ok or frame is None:
                    break
                t = time.perf_counter() - start if live else index / fps
                yield f'{stem}_{index:06d}', frame, t, None
                index += 1
                video['frames_read'] = index
        finally:
            cap.release()


def draw(image: np.ndarray, result: FrameResult, keypoints: KeypointSet,
         kpt_thr: float = 0.3, boxes: bool = True) -> np.ndarray:
    """Boxes with track IDs (unless ``boxes`` is False), then the keypoint set's skeleton
    and keypoints over ``kpt_thr`` in its own colours (mmpose's, RGB, drawn on the BGR
    image)."""
    out = image.copy()
    k = keypoints.num_keypoints
    link_colors = [c[::-1] for c in keypoints.link_colors] or [(0, 255, 0)]
    kpt_colors = [c[::-1] for c in keypoints.keypoint_colors] or [(0, 0, 255)]
    thick = max(1, round(max(image.shape[:2]) / 500))
    for inst in result.instances:
        color = tuple(int(c) for c in np.random.default_rng(inst.track_id).integers(64, 256, 3))
        if boxes:
            x1, y1, x2, y2 = inst.bbox.astype(int)
            cv2.rectangle(out, (x1, y1), (x2, y2), color, thick)
            cv2.putText(out, str(inst.track_id), (x1, max(y1 - 3, 10)),
                        cv2.FONT_HERSHEY_SIMPLEX, 0.5 * thick, color, thick, cv2.LINE_AA)
        kp, sc = inst.keypoints, inst.keypoint_scores
        for j, (a, b) in enumerate(keypoints.skeleton):
            if a < k and b < k and sc[a] > kpt_thr and sc[b] > kpt_thr:
                cv2.line(out, tuple(kp[a].astype(int)), tuple(kp[b].astype(int)),
                         tuple(int(v) for v in link_colors[j % len(link_colors)]), thick + 1,
                         cv2.LINE_AA)
        radius = thick + (2 if k <= 30 else 0)
        for j, ((x, y), s) in enumerate(zip(kp, sc)):
            if s > kpt_thr:
                cv2.circle(out, (int(x), int(y)), radius,
                           tuple(int(v) for v in kpt_colors[j % len(kpt_colors)]), -1,
                           cv2.LINE_AA)
    return out


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
