"""Frames of an MP4 / MOV cut before its index.

Frames of an MP4 / MOV cut before its index, as a partial download or an interrupted
recording leaves it.

Many writers (cameras, OpenCV, FFmpeg without ``+faststart``) put the index, the
``moov`` box, after the frames (``mdat``). Cut such a file anywhere and no player can
open it, although the frames are there: the index held the sample sizes and the
decoder setup (H.264's SPS/PPS in ``avcC``, MPEG-4 Part 2's VOL header in ``esds``).
The sample sizes can be recovered from the stream itself (H.264 samples are
length-prefixed NAL units; MPEG-4 Part 2 frames begin with start codes); the decoder
setup cannot, so it comes from a *reference*: a complete video from the same camera or
encoder settings (what ``untrunc`` does). The frames are rewritten as an elementary
stream (H.264 Annex B, or MPEG-4 Part 2) that OpenCV reads as it reads any video.

Limits: video only, up to the first non-video data in ``mdat`` (interleaved audio
ends the walk); a reference with other encoder settings gives garbage or no frames.
A file with its index in front (``+faststart``) needs none of this: OpenCV reads it up
to the cut, and the runner says where it stopped.
"""
from __future__ import annotations

import os
import struct
from typing import Dict, Iterator, List, NamedTuple, Optional, Tuple

from .errors import InputError

#: containers whose children are boxes
_CONTAINERS = {b'moov', b'trak', b'mdia', b'minf', b'stbl'}
#: VisualSampleEntry fields before the child boxes
_VISUAL_ENTRY = 78
_START = b'\x00\x00\x00\x01'
_VOP = b'\x00\x00\x01\xb6'


class Box(NamedTuple):
    type: bytes
    start: int   # offset of the box header
    size: int    # header included; to the end of the data for size 0
    header: int  # 8 or 16

    @property
    def payload(self) -> int:
        return self.start + self.header

    @property
    def end(self) -> int:
        return self.start + self.size


class Salvaged(NamedTuple):
    path: str        # the elementary stream written
    codec: str       # 'h264' or 'mpeg4'
    used: int        # bytes of mdat payload recovered
    available: int   # bytes of mdat payload in the file
    fps: float       # the reference's frame rate


def _boxes(read, start: int, end: int) -> Iterator[Box]:
    """Boxes between ``start`` and ``end``.

    ``read(offset, n)`` gives bytes. A box that runs past ``end`` (a cut file) is given with
    its declared size.
    """
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack('>I4s', read(pos, 8))
        header = 8
        if size == 1:
            raw = read(pos + 8, 8)
            if len(raw) < 8:
                return
            size, header = struct.unpack('>Q', raw)[0], 16
        elif size == 0:
            size = end - pos
        if size < header:
            return  # not a box: stop rather than loop
        yield Box(kind, pos, size, header)
        pos += size


def top_level_boxes(path: str) -> List[Box]:
    """The top-level boxes of an ISO media file, read header by header."""
    total = os.path.getsize(path)
    with open(path, 'rb') as f:
        def read(offset: int, n: int) -> bytes:
            f.seek(offset)
            return f.read(n)
        return list(_boxes(read, 0, total))


def index_missing(path: str) -> bool:
    """Whether an MP4 / MOV has frames but no whole index.

    True for an ISO media file (MP4, MOV) with frames (``mdat``) but no whole index
    (``moov`` absent, or cut)."""
    try:
        boxes = {b.type: b for b in reversed(top_level_boxes(path))}
        total = os.path.getsize(path)
    except (OSError, struct.error):
        return False
    return b'mdat' in boxes and (b'moov' not in boxes or boxes[b'moov'].end > total)


def check_salvage(path: str, reference: Optional[str]) -> bool:
    """Check whether a file was cut before its index and can be salvaged.

    Whether ``path`` was cut before its index, and if so that a reference is given
    and can serve.

    Raises:
        InputError: no reference (naming ``--reference``), or one that cannot serve.
    """
    if not index_missing(path):
        return False
    if reference is None:
        raise InputError(f'{path!r} was cut before its index (no moov box: a partial '
                         'download or an interrupted recording); its frames can be salvaged '
                         'with --reference VIDEO, a complete video from the same camera or '
                         'encoder')
    if not os.path.isfile(reference):
        raise InputError(f'--reference {reference!r} does not exist')
    decoder_setup(reference)
    return True


def _descriptor(buf: bytes, pos: int) -> Tuple[int, int, int]:
    """(tag, payload start, payload end) of an MPEG-4 descriptor at ``pos``."""
    tag, pos, length = buf[pos], pos + 1, 0
    for _ in range(4):
        byte = buf[pos]
        pos += 1
        length = (length << 7) | (byte & 0x7F)
        if not byte & 0x80:
            break
    return tag, pos, pos + length


def _mpeg4_config(esds: bytes) -> bytes:
    """The DecoderSpecificInfo (VOL header) of an ``esds`` payload."""
    tag, pos, end = _descriptor(esds, 4)  # after version and flags
    if tag != 3:
        raise InputError('the reference\'s esds has no ES descriptor')
    flags = esds[pos + 2]
    pos += 3 + (2 if flags & 0x80 else 0) + (1 + esds[pos + 3] if flags & 0x40 else 0) + \
        (2 if flags & 0x20 else 0)
    while pos < end:
        tag, start, stop = _descriptor(esds, pos)
        if tag == 4:  # DecoderConfigDescriptor: 13 bytes, then its own descriptors
            inner = start + 13
            while inner < stop:
                itag, istart, istop = _descriptor(esds, inner)
                if itag == 5:
                    return esds[istart:istop]
                inner = istop
        pos = stop
    raise InputError('the reference\'s esds has no decoder setup (DecoderSpecificInfo)')


def decoder_setup(reference: str) -> Tuple[str, bytes, int]:
    """The decoder setup of a complete MP4 / MOV's first video track.

    (codec, the bytes that set the decoder up, H.264 NAL length size) from the first
    video track of a complete MP4 / MOV ``reference``.

    Raises:
        InputError: the reference has no index, no video track, or a codec other than
            H.264 (avc1 / avc3) or MPEG-4 Part 2 (mp4v).
    """
    moov = next((b for b in top_level_boxes(reference) if b.type == b'moov'), None)
    if moov is None:
        raise InputError(f'--reference {reference!r} has no index (moov box) itself: give a '
                         'complete video')
    with open(reference, 'rb') as f:
        f.seek(moov.start)
        buf = f.read(moov.size)

    def read(offset: int, n: int) -> bytes:
        return buf[offset:offset + n]

    def find(box: Box, path: List[bytes]) -> Iterator[Box]:
        for child in _boxes(read, box.payload, box.end):
            if child.type == path[0]:
                if len(path) == 1:
                    yield child
                elif child.type in _CONTAINERS:
                    yield from find(child, path[1:])

    top = Box(b'moov', 0, len(buf), 8)
    for trak in find(top, [b'trak']):
        handler = next(find(trak, [b'mdia', b'hdlr']), None)
        if handler is None or buf[handler.payload + 8:handler.payload + 12] != b'vide':
            continue
        for stsd in find(trak, [b'mdia', b'minf', b'stbl', b'stsd']):
            for entry in _boxes(read, stsd.payload + 8, stsd.end):
                children = {c.type: c for c in _boxes(read, entry.payload + _VISUAL_ENTRY,
                                                      entry.end)}
                if entry.type in (b'avc1', b'avc3') and b'avcC' in children:
                    return 'h264', *_avc_config(buf[children[b'avcC'].payload:
                                                    children[b'avcC'].end])
                if entry.type == b'mp4v' and b'esds' in children:
                    esds = children[b'esds']
                    return 'mpeg4', _mpeg4_config(buf[esds.payload:esds.end]), 0
                kind = entry.type.decode(errors='replace')
                raise InputError(f'--reference {reference!r} is {kind}; salvage reads H.264 '
                                 '(avc1) and MPEG-4 Part 2 (mp4v)')
    raise InputError(f'--reference {reference!r} has no video track')


def _avc_config(avcc: bytes) -> Tuple[bytes, int]:
    """(SPS and PPS as Annex B, NAL length size) of an ``avcC`` payload."""
    length_size = (avcc[4] & 0x03) + 1
    out, pos = [], 5
    for count_mask in (0x1F, 0xFF):  # SPS count (low 5 bits), then PPS count
        count = avcc[pos] & count_mask
        pos += 1
        for _ in range(count):
            n = struct.unpack('>H', avcc[pos:pos + 2])[0]
            out.append(_START + avcc[pos + 2:pos + 2 + n])
            pos += 2 + n
    return b''.join(out), length_size


_CHUNK = 1 << 20


def _copy_h264(src, dst, start: int, end: int, length_size: int) -> Tuple[int, bool]:
    """Copy complete H.264 NAL units as Annex B.

    Copy the complete length-prefixed NAL units of ``src[start:end]`` to ``dst`` as
    Annex B, one unit at a time (stopping at a cut unit or at anything that is not a NAL
    unit). Returns (bytes of ``src`` used, whether any unit was a picture slice)."""
    pos, picture = start, False
    src.seek(pos)
    while pos + length_size < end:
        head = src.read(length_size + 1)
        n, header = int.from_bytes(head[:length_size], 'big'), head[length_size]
        if n == 0 or header & 0x80 or not 1 <= header & 0x1F <= 23 or \
                pos + length_size + n > end:
            break
        dst.write(_START + head[length_size:] + src.read(n - 1))
        picture |= header & 0x1F in (1, 5)
        pos += length_size + n
    return pos - start, picture


def _copy_mpeg4(src, dst, start: int, end: int) -> int:
    """Copy MPEG-4 Part 2 frames up to the last, possibly cut, one.

    Copy ``src[start:end]`` up to the start of its last frame (which may be cut) to
    ``dst``, in chunks. Returns the bytes used."""
    last, pos, tail = -1, start, b''
    src.seek(start)
    while pos < end:
        chunk = src.read(min(_CHUNK, end - pos))
        if not chunk:
            break
        window = tail + chunk
        found = window.rfind(_VOP)
        if found >= 0:
            last = pos - len(tail) + found
        tail, pos = window[-3:], pos + len(chunk)
    if last <= start:
        return 0
    src.seek(start)
    for offset in range(start, last, _CHUNK):
        dst.write(src.read(min(_CHUNK, last - offset)))
    return last - start


def salvage(path: str, reference: str, out_dir: str) -> Salvaged:
    """Rewrite a cut file's frames as an elementary stream.

    Rewrite the frames of ``path`` (cut before its index) as an elementary stream in
    ``out_dir``, with the decoder setup of ``reference``; file to file, a unit or a
    chunk at a time, so a partial download of any size is never held in memory.

    Raises:
        InputError: ``path`` has no frames to salvage, or the reference cannot serve.
    """
    import cv2
    mdat = next((b for b in top_level_boxes(path) if b.type == b'mdat'), None)
    if mdat is None:
        raise InputError(f'{path!r} holds no frames (no mdat box)')
    codec, setup, length_size = decoder_setup(reference)
    start, end = mdat.payload, min(mdat.end, os.path.getsize(path))
    out = os.path.join(out_dir, os.path.splitext(os.path.basename(path))[0] +
                       ('.h264' if codec == 'h264' else '.m4v'))
    with open(path, 'rb') as src, open(out, 'wb') as dst:
        dst.write(setup)
        if codec == 'h264':
            used, picture = _copy_h264(src, dst, start, end, length_size)
            used = used if picture else 0
        else:
            used = _copy_mpeg4(src, dst, start, end)
    if used == 0:
        raise InputError(f'no complete frame in {path!r} to salvage with {reference!r}\'s '
                         f'{codec} setup')
    cap = cv2.VideoCapture(reference)
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    cap.release()
    return Salvaged(out, codec, used, end - start, fps)


def describe(video: Dict[str, object]) -> Optional[str]:
    """The summary's words for how a video ended, or None for a normal end."""
    if video.get('salvaged'):
        return (f"salvaged {video['frames_read']} frames from a file cut before its index "
                f"({video['codec']}, {video['used']} of {video['available']} bytes of frame "
                'data)')
    expected = video.get('frames_expected')
    if expected and video.get('frames_read', 0) < expected:
        return (f"the video stopped at frame {video['frames_read']} of the {expected} its "
                'index lists: the file is probably truncated')
    return None
