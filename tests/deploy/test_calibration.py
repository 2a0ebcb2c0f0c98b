"""Calibration crops from what users have (deploy/calibration.py): a folder of images, a
video, the sample layout; bad input in one line."""
import os.path as osp
import shutil

import cv2
import numpy as np
import pytest

from rtmpose_plugin.deploy.calibration import calibration_data, video_frames
from rtmpose_plugin.deploy.cli import open_calibration_detector

from ..conftest import SHARED_DATA, shared

SIZE = (192, 256)
DETECTOR = shared('models', 'rtmdet-nano-person')


@pytest.fixture(scope='module')
def detector():
    return open_calibration_detector(DETECTOR)


@pytest.fixture(scope='module')
def images(tmp_path_factory):
    """A plain folder of the COCO sample images (whole frames, people in them)."""
    import glob
    folder = tmp_path_factory.mktemp('images')
    for path in sorted(glob.glob(osp.join(shared('coco'), '**', '*.jpg'), recursive=True))[:6]:
        shutil.copy(path, folder)
    return folder


def _video(path, frames, size=(320, 240)):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'mp4v'), 10, size)
    for i in range(frames):
        writer.write(np.full((size[1], size[0], 3), i * 10 % 255, np.uint8))
    writer.release()
    return str(path)


def test_an_image_folder_through_the_detector(images, detector):
    crops = calibration_data(str(images), SIZE, detector)
    assert crops.dtype == np.uint8 and crops.shape[1:] == (256, 192, 3)
    assert len(crops) > len(list(images.iterdir()))  # several people in some images
    as_is = calibration_data(str(images), SIZE)  # no detector: each image is a crop
    assert len(as_is) == len(list(images.iterdir()))


def test_the_sample_layout_is_one_option():
    crops = calibration_data(SHARED_DATA, SIZE)
    assert len(crops) > 10 and crops.shape[1:] == (256, 192, 3)


def test_a_video_is_sampled_evenly(tmp_path, detector):
    street = shared('video', 'street.mp4')
    frames = video_frames(street, 5)
    assert len(frames) == 5
    crops = calibration_data(street, SIZE, detector, frames=4)
    assert len(crops) >= 4
    spread = video_frames(_video(tmp_path / 'ramp.mp4', 30), 4)
    first = video_frames(str(tmp_path / 'ramp.mp4'), 4, first=True)
    # frames 0, 10, 19, 29 against 0, 1, 2, 3: grey levels i * 10
    assert [int(f[0, 0, 0]) // 5 for f in spread] != [int(f[0, 0, 0]) // 5 for f in first]
    assert abs(int(spread[-1][0, 0, 0]) - 29 * 10 % 255) <= 8


def test_bad_calibration_data_is_one_line(tmp_path, detector):
    (tmp_path / 'empty').mkdir()
    with pytest.raises(ValueError, match='no images in'):
        calibration_data(str(tmp_path / 'empty'), SIZE)
    blank = tmp_path / 'blank'
    blank.mkdir()
    for i in range(3):
        cv2.imwrite(str(blank / f'{i}.png'), np.full((240, 320, 3), 128, np.uint8))
    with pytest.raises(ValueError, match='no people found in 3 image'):
        calibration_data(str(blank), SIZE, detector)
    short = _video(tmp_path / 'short.mp4', 3)
    with pytest.raises(ValueError, match=r'3 frame\(s\) could be read.*at least 4.*all 3 were '
                       'used'):
        calibration_data(short, SIZE)
    (tmp_path / 'notes.txt').write_text('x')
    with pytest.raises(ValueError, match='neither a folder nor a video'):
        calibration_data(str(tmp_path / 'notes.txt'), SIZE)
    with pytest.raises(FileNotFoundError, match='does not exist'):
        calibration_data(str(tmp_path / 'missing'), SIZE)
