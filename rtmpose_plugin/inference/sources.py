"""Frame sources.

Images, folders of images, videos and cameras, as (name, image, timestamp, error) for
each frame; an MP4 cut before its index is salvaged with a reference video
(:mod:`.salvage`).
"""
from __future__ import annotations

import glob
import os.path as osp
import tempfile
import time
from typing import Iterator, Optional, Tuple, Union

import cv2
import numpy as np

from ..core.image import IMAGE_EXTS, VIDEO_EXTS
from ..errors import InputError
from .salvage import check_salvage, salvage

Frame = Tuple[str, Optional[np.ndarray], Optional[float], Optional[str]]  # name, image, t, error

#: URLs of sources that do not wait for the reader (streams), read as a camera is
STREAM_SCHEMES = ('rtsp://', 'rtsps://', 'rtmp://', 'udp://', 'srt://')


def is_camera(source: Union[str, int]) -> bool:
    """A camera index (an int, or a string of digits)."""
    return isinstance(source, int) or (isinstance(source, str) and source.isdigit())


def is_live(source: Union[str, int]) -> bool:
    """A source that does not wait for its reader: a camera index or a stream URL."""
    return is_camera(source) or str(source).lower().startswith(STREAM_SCHEMES)


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
    if is_camera(source):
        yield from _iter_video(int(source), f'camera{source}', live=True, video=video)
        return
    if is_live(source):
        yield from _iter_video(source, 'stream', live=True, video=video)
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
    if is_live(source):
        return
    if not osp.exists(source):
        raise FileNotFoundError(f'input {source!r} does not exist')
    if osp.isfile(source) and not source.lower().endswith(IMAGE_EXTS + VIDEO_EXTS):
        raise InputError(f'{source!r} is neither an image ({", ".join(IMAGE_EXTS)}) nor a '
                         f'video ({", ".join(VIDEO_EXTS)})')
    if osp.isfile(source) and source.lower().endswith(VIDEO_EXTS):
        check_salvage(source, reference)


def _read_image(path: str) -> Frame:
    image = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if image is None or image.size == 0:
        return osp.basename(path), None, None, f'cannot read image {path}'
    return osp.basename(path), image, None, None


def _iter_video(source: Union[str, int], stem: str, live: bool = False,
                reference: Optional[str] = None,
                video: Optional[dict] = None) -> Iterator[Frame]:
    """Frames of a video file or a camera, with timestamps.

    Frames of a video file (timestamps from its frame rate) or a camera (``live``:
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
        video['fps'] = fps  # the annotated video keeps it
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
