"""Truncated videos: every frame that can be had, and the summary says where it stopped.

Two kinds of cut MP4: index (moov) at the end, as street.mp4 and OpenCV's writer have
it, which no player opens once cut, salvaged here with a reference video; and index in
front (+faststart), which OpenCV reads up to the cut, where the summary says so.
"""
import os.path as osp
import struct
import subprocess
import sys

import cv2
import numpy as np
import pytest

from rtmpose_plugin.inference.errors import InputError
from rtmpose_plugin.inference.runner import iter_frames
from rtmpose_plugin.inference.salvage import (decoder_setup, describe, index_missing,
                                              top_level_boxes)

from ..conftest import ROOT, shared

DET = ('models', 'rtmdet-nano-person')


def frames_of(path, **kwargs):
    video = {}
    images = [img for _, img, _, err in iter_frames(path, video=video, **kwargs)]
    return images, video


def cut(src, dst, fraction):
    data = open(src, 'rb').read()
    open(dst, 'wb').write(data[:int(len(data) * fraction)])
    return str(dst)


def make_mp4v(path, n=60, size=(96, 64)):
    """A test video as OpenCV writes it: MPEG-4 Part 2, index at the end."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'mp4v'), 25, size)
    rng = np.random.default_rng(0)
    base = (rng.random((size[1], size[0], 3)) * 255).astype(np.uint8)
    for i in range(n):
        frame = np.roll(base, 3 * i, axis=1)
        cv2.putText(frame, str(i), (5, 40), cv2.FONT_HERSHEY_SIMPLEX, 1, (0, 0, 255), 2)
        writer.write(frame)
    writer.release()
    return str(path)


def faststart(src, dst):
    """``src`` with its index moved in front of the frames (chunk offsets shifted)."""
    data = open(src, 'rb').read()
    top = {b.type: (b.start, b.size) for b in top_level_boxes(src)}
    start, size = top[b'moov']
    moov = bytearray(data[start:start + size])

    def patch(lo, hi):
        while lo < hi:
            n, kind = struct.unpack('>I4s', moov[lo:lo + 8])
            if kind in (b'trak', b'mdia', b'minf', b'stbl'):
                patch(lo + 8, lo + n)
            elif kind == b'stco':
                count = struct.unpack('>I', moov[lo + 12:lo + 16])[0]
                for j in range(count):
                    at = lo + 16 + 4 * j
                    offset = struct.unpack('>I', moov[at:at + 4])[0]
                    moov[at:at + 4] = struct.pack('>I', offset + size)
            lo += n
    patch(8, size)
    ftyp_at, ftyp_size = top[b'ftyp']
    mdat_at = top[b'mdat'][0]
    body = data[ftyp_at + ftyp_size:start]  # everything between ftyp and moov (free, mdat)
    assert mdat_at >= ftyp_at + ftyp_size
    open(dst, 'wb').write(data[:ftyp_size] + bytes(moov) + body)
    return str(dst)


@pytest.fixture(scope='module')
def street_frames():
    return frames_of(shared('video', 'street.mp4'))[0]


def test_street_is_h264_with_its_index_at_the_end():
    assert decoder_setup(shared('video', 'street.mp4'))[0] == 'h264'
    assert not index_missing(shared('video', 'street.mp4'))


@pytest.mark.parametrize('fraction, shown', [(0.6, [0, 4]), (0.9, [0, 1, 2, 4]),
                                             (0.999, [0, 1, 2, 3, 4])])
def test_cut_h264_is_salvaged_frame_for_frame(street_frames, tmp_path, fraction, shown):
    """street.mp4 (5 frames) cut at 60%, 90% and inside its index: every frame wholly in
    the file comes back, pixel for pixel as the whole file's. Its frames are stored out
    of display order (frame 4 before the B-frames 1-3 that refer to it), so a cut keeps
    frame 4 and loses some of 1-3."""
    path = cut(shared('video', 'street.mp4'), tmp_path / 'cut.mp4', fraction)
    assert index_missing(path)
    assert not cv2.VideoCapture(path).isOpened()  # what a player sees
    images, video = frames_of(path, reference=shared('video', 'street.mp4'))
    complete = len(shown)
    assert len(images) == complete
    for got, index in zip(images, shown):
        np.testing.assert_array_equal(got, street_frames[index])
    assert video['salvaged'] and video['frames_read'] == complete
    assert f'salvaged {complete} frames' in describe(video)


def test_without_a_reference_the_error_names_the_fix(tmp_path):
    path = cut(shared('video', 'street.mp4'), tmp_path / 'cut.mp4', 0.6)
    with pytest.raises(InputError, match='cut before its index.*--reference VIDEO'):
        frames_of(path)


def test_nothing_to_salvage_is_a_clear_error(tmp_path):
    path = cut(shared('video', 'street.mp4'), tmp_path / 'cut.mp4', 0.3)  # inside frame 1
    with pytest.raises(InputError, match='no complete frame'):
        frames_of(path, reference=shared('video', 'street.mp4'))


def test_reference_must_be_complete(tmp_path):
    path = cut(shared('video', 'street.mp4'), tmp_path / 'cut.mp4', 0.6)
    with pytest.raises(InputError, match='has no index'):
        frames_of(path, reference=path)


def test_cut_mpeg4_part2_is_salvaged(tmp_path):
    whole = make_mp4v(tmp_path / 'whole.mp4')
    want, _ = frames_of(whole)
    path = cut(whole, tmp_path / 'cut.mp4', 0.5)
    images, video = frames_of(path, reference=whole)
    assert 20 <= len(images) < 60 and video['codec'] == 'mpeg4'
    for got, ref in zip(images, want):  # no B-frames: the first frames, in order
        np.testing.assert_array_equal(got, ref)


def test_cut_faststart_file_stops_at_the_cut_and_says_so(tmp_path):
    whole = faststart(make_mp4v(tmp_path / 'whole.mp4'), tmp_path / 'fast.mp4')
    assert len(frames_of(whole)[0]) == 60
    path = cut(whole, tmp_path / 'cut.mp4', 0.5)
    assert not index_missing(path)
    images, video = frames_of(path)
    assert 20 <= len(images) < 60
    assert video == dict(frames_expected=60, frames_read=len(images), fps=25.0)
    assert describe(video) == (f'the video stopped at frame {len(images)} of the 60 its '
                               'index lists: the file is probably truncated')
    assert describe(frames_of(whole)[1]) is None  # a whole file ends normally


@pytest.mark.slow
def test_pose_cli_on_a_cut_download(coco_sdk, tmp_path):
    """tools/pose.py: one line naming --reference without it, the salvaged frames with it."""
    path = cut(shared('video', 'street.mp4'), tmp_path / 'cut.mp4', 0.9)
    base = [sys.executable, osp.join(ROOT, 'tools', 'pose.py'), path, '--pose', coco_sdk,
            '--det', shared(*DET), '--backend', 'onnxruntime', '--no-progress']
    proc = subprocess.run(base + ['--out', str(tmp_path / 'a')], capture_output=True,
                          text=True, cwd=str(tmp_path))
    assert proc.returncode == 1 and 'Traceback' not in proc.stderr
    assert '--reference VIDEO' in proc.stderr.strip().splitlines()[-1]
    assert not (tmp_path / 'a').exists()
    proc = subprocess.run(base + ['--out', str(tmp_path / 'b'), '--reference',
                                  shared('video', 'street.mp4')],
                          capture_output=True, text=True, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith('4 frames') and 'salvaged 4 frames' in proc.stdout
    assert len((tmp_path / 'b' / 'results.jsonl').read_text().splitlines()) == 4
