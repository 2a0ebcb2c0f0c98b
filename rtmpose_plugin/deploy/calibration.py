"""Calibration crops from what a user has: a folder of images, a video, or the sample data.

Person crops (N, h, w, 3) uint8 BGR of a model's input size, for INT8 calibration and
the precision gate (:mod:`.precision`):

- a folder laid out like the sample data (``coco/test_coco.json``, ``aic/...``): the
  annotated people (:func:`rtmpose_plugin.datasets.samples.calibration_crops`);
- a folder of images: with a detector, the people it finds in each image (whole frames);
  without one, each image is taken as a crop as it is (resized to the input, its aspect
  kept);
- a video file: frames sampled evenly over its length, then as images.
"""
from __future__ import annotations

import glob
import os.path as osp
from typing import Callable, List, Optional, Sequence

import numpy as np

from ..core.image import IMAGE_EXTS, VIDEO_EXTS
from ..core.topdown import crop_person

#: the fewest video frames calibration takes (fewer frames are too few scenes to calibrate on)
MIN_VIDEO_FRAMES = 4
#: frames sampled from a video by default
VIDEO_FRAMES = 32
#: how many crops are kept by default (the gate runs the fp32 and the reduced model on each)
LIMIT = 32

Detect = Callable[[np.ndarray], np.ndarray]  # image -> (N, 5) boxes x1 y1 x2 y2 score


def is_sample_layout(folder: str) -> bool:
    """A folder laid out like the sample data (COCO or AIC annotations)."""
    from ..datasets.samples import SAMPLE_ANNOTATIONS
    return any(osp.isfile(osp.join(folder, name, ann))
               for name, ann in SAMPLE_ANNOTATIONS.items() if name in ('coco', 'aic'))


def calibration_data(source: str, input_size: Sequence[int], detector: Optional[Detect] = None,
                     limit: int = LIMIT, frames: int = VIDEO_FRAMES,
                     score_thr: float = 0.5, first_frames: bool = False) -> np.ndarray:
    """(N, h, w, 3) uint8 person crops of a sample-data folder, an image folder or a video.

    Args:
        source: the folder or video.
        input_size: the model's (w, h).
        detector: image -> boxes (x1, y1, x2, y2, score): the people in whole frames.
            None: each image (or frame) is one crop.
        limit: the most crops kept (spread over the images).
        frames: the frames sampled from a video.
        score_thr: the least detection score that counts.
        first_frames: a video's first ``frames`` frames rather than frames spread over it
            (the input of a run calibrating on itself: read at once).

    Raises:
        FileNotFoundError: no such folder or file.
        ValueError: no images, no people found, a video with too few frames, a file that
            is neither a folder nor a video; each in one line with what was found.
    """
    if osp.isdir(source):
        if is_sample_layout(source):
            from ..datasets.samples import calibration_crops
            return calibration_crops(source, input_size, limit)
        paths = sorted(p for p in glob.glob(osp.join(source, '**', '*'), recursive=True)
                       if p.lower().endswith(IMAGE_EXTS))
        if not paths:
            raise ValueError(f'no images in {source} ({", ".join(IMAGE_EXTS)}) and no sample '
                             'layout (coco/test_coco.json): give a folder of images or a video')
        images = (_read(p) for p in paths)
        what = f'{len(paths)} image(s) of {source}'
    elif osp.isfile(source) and source.lower().endswith(IMAGE_EXTS):
        images = [_read(source)]
        what = source
    elif osp.isfile(source):
        if not source.lower().endswith(VIDEO_EXTS):
            raise ValueError(f'{source} is neither a folder nor a video '
                             f'({", ".join(VIDEO_EXTS)}): calibration takes a folder of '
                             'images, a video, or the sample-data folder')
        images = video_frames(source, frames, first=first_frames)
        what = f'{len(images)} frame(s) of {source}'
    else:
        raise FileNotFoundError(f'calibration data {source} does not exist')
    crops = people_crops(images, input_size, detector, score_thr)
    if not crops:
        raise ValueError(f'no people found in {what} by the detector (score >= {score_thr:g}):'
                         ' give images or a video with people in them')
    return np.stack(_spread(crops, limit))


def _read(path: str) -> Optional[np.ndarray]:
    import cv2
    return cv2.imread(path, cv2.IMREAD_COLOR)


def video_frames(path: str, count: int = VIDEO_FRAMES, least: int = MIN_VIDEO_FRAMES,
                 first: bool = False) -> List[np.ndarray]:
    """``count`` frames sampled evenly over a video (all of them when it has fewer).

    ``first``: the first ``count`` frames.

    Only the sampled frames are kept (a long video is read through once, not held).

    Raises:
        ValueError: a video that cannot be read, or with fewer than ``least`` frames.
    """
    import cv2
    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        raise ValueError(f'{path} cannot be read as a video')
    total = count if first else int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
    if total <= 0:  # a header without a count: count by reading through
        while cap.grab():
            total += 1
        cap.release()
        cap = cv2.VideoCapture(path)
    picks = set(np.linspace(0, max(total - 1, 0), min(count, max(total, 1))).round()
                .astype(int).tolist())
    images, index = [], 0
    try:
        while index <= max(picks) and cap.grab():
            if index in picks:
                ok, frame = cap.retrieve()
                if ok and frame is not None:
                    images.append(frame)
            index += 1
    finally:
        cap.release()
    if len(images) < min(least, count):
        raise ValueError(f'{path}: {len(images)} frame(s) could be read for calibration, at '
                         f'least {min(least, count)} are needed (all {len(images)} were used)')
    return images


def people_crops(images, input_size: Sequence[int], detector: Optional[Detect] = None,
                 score_thr: float = 0.5) -> List[np.ndarray]:
    """The crops of the people in the images (each image whole without a detector)."""
    crops = []
    for image in images:
        if image is None or image.ndim != 3 or not image.size:
            continue
        if detector is None:
            h, w = image.shape[:2]
            boxes = np.array([[0, 0, w, h]], np.float32)
        else:
            dets = np.asarray(detector(image), np.float32).reshape(-1, 5)
            dets = dets[dets[:, 4] >= score_thr]
            boxes = np.concatenate([dets[:, :2], dets[:, 2:4] - dets[:, :2]], axis=1)
        for box in boxes:
            if box[2] >= 2 and box[3] >= 2:
                crops.append(crop_person(image, box, input_size)[0])
    return crops


def _spread(crops: List[np.ndarray], limit: int) -> List[np.ndarray]:
    """At most ``limit`` of the crops, spread evenly over them."""
    if len(crops) <= limit:
        return crops
    return [crops[i] for i in np.linspace(0, len(crops) - 1, limit).round().astype(int)]
