"""What an exported model says about itself: input size, normalisation, SimCC split
ratio and its keypoint set (names, OKS sigmas, flip pairs, skeleton, colours).

Where it is read from, first found first:

1. embedded in the model file: ONNX ``metadata_props`` (key :data:`META_KEY`), OpenVINO
   ``rt_info`` (``rtmpose_plugin/meta``), or ``<stem>.meta.json`` beside an ncnn
   ``.param`` or a TensorRT engine;
2. an MMDeploy SDK folder's ``pipeline.json`` (input size, mean/std, channel order,
   split ratio, letterbox), which MMDeploy writes and OpenMMLab's published model zips
   carry; it names no keypoint set;
3. what the caller names: a keypoint set of :data:`keypoint_set_names` for a model that
   carries none, and for a bare detector the RTMDet defaults, always said in
   :attr:`ModelMeta.assumed`.

Only the standard library and NumPy are imported: the runtime runs without the training
stack.
"""
from __future__ import annotations

import functools
import json
import os
import os.path as osp
from dataclasses import asdict, dataclass, field, replace
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

#: the key of the JSON meta in ONNX ``metadata_props``
META_KEY = 'rtmpose_plugin.meta'
#: the OpenVINO ``rt_info`` path of the JSON meta
RT_INFO_PATH = ['rtmpose_plugin', 'meta']
META_VERSION = 1

#: mmdet's RTMDet data preprocessor (BGR), used for a bare detector
RTMDET_MEAN = (103.53, 116.28, 123.675)
RTMDET_STD = (57.375, 57.12, 58.395)


class ModelError(ValueError):
    """A model file that is not what was expected (not an RTMPose or RTMDet export,
    outputs of the wrong shape, a folder without a model, meta that disagree)."""


@dataclass
class KeypointSet:
    """A dataset's keypoints, as mmpose's dataset meta describes them.

    ``keypoint_colors`` and ``link_colors`` are RGB, as in mmpose's meta files.
    """
    name: str
    names: List[str]
    sigmas: List[float]
    flip_pairs: List[Tuple[int, int]] = field(default_factory=list)
    skeleton: List[Tuple[int, int]] = field(default_factory=list)
    keypoint_colors: List[Tuple[int, int, int]] = field(default_factory=list)
    link_colors: List[Tuple[int, int, int]] = field(default_factory=list)

    @property
    def num_keypoints(self) -> int:
        return len(self.names)

    @property
    def sigma_array(self) -> np.ndarray:
        return np.asarray(self.sigmas, np.float64)

    def parts(self) -> Dict[str, List[int]]:
        """Named groups of keypoint indices, from the keypoint names alone (so every set
        is treated alike): ``left_hand`` / ``right_hand`` (hand root and fingers),
        ``face`` (``face-N`` landmarks), ``feet`` (toes and heels) and ``body`` (the
        rest) on whole-body sets such as COCO-WholeBody and Halpe; ``hand`` on a hand
        set, ``face`` on a face set (landmarks only); ``all`` always."""
        fingers = ('hand_root', 'thumb', 'forefinger', 'middle_finger', 'ring_finger',
                   'pinky_finger')
        groups: Dict[str, List[int]] = {}

        def side_hand(n: str) -> Optional[str]:
            for side in ('left', 'right'):
                if n.startswith(side + '_') and any(f in n for f in fingers):
                    return f'{side}_hand'
            return None

        for i, n in enumerate(self.names):
            low = n.lower()
            if side_hand(low):
                group = side_hand(low)
            elif low == 'wrist' or any(low.startswith(f) for f in fingers):
                group = 'hand'
            elif low.startswith('face-') or low.startswith('kpt-'):
                group = 'face'
            elif 'toe' in low or 'heel' in low:
                group = 'feet'
            else:
                group = 'body'
            groups.setdefault(group, []).append(i)
        groups['all'] = list(range(len(self.names)))
        return groups

    def check(self) -> 'KeypointSet':
        """Raises ModelError where the lists disagree in length or index out of range."""
        k = len(self.names)
        if len(self.sigmas) != k:
            raise ModelError(f'keypoint set {self.name!r}: {len(self.sigmas)} sigmas for {k} '
                             'keypoints')
        for what, pairs in (('flip pair', self.flip_pairs), ('skeleton link', self.skeleton)):
            bad = [p for p in pairs if not all(0 <= i < k for i in p)]
            if bad:
                raise ModelError(f'keypoint set {self.name!r}: {what} {bad[0]} is out of range '
                                 f'for {k} keypoints')
        return self

    @classmethod
    def from_dict(cls, d: Dict) -> 'KeypointSet':
        return cls(name=str(d['name']), names=[str(n) for n in d['names']],
                   sigmas=[float(s) for s in d['sigmas']],
                   flip_pairs=[tuple(p) for p in d.get('flip_pairs', [])],
                   skeleton=[tuple(p) for p in d.get('skeleton', [])],
                   keypoint_colors=[tuple(c) for c in d.get('keypoint_colors', [])],
                   link_colors=[tuple(c) for c in d.get('link_colors', [])]).check()


@dataclass
class ModelMeta:
    """Everything the runtime needs to run a model, besides the network.

    Attributes:
        task: ``pose`` (top-down SimCC) or ``detection`` (RTMDet, NMS in the graph).
        input_size: (w, h) of the network input.
        mean, std: per channel, in the order the network takes (RGB when ``to_rgb``).
        to_rgb: the network takes RGB; images arrive BGR.
        split_ratio: SimCC bins per pixel (pose).
        keypoints: the keypoint set (pose).
        keep_ratio, pad_value: the letterbox (detection).
        assumed: what was not read from the model but assumed, in words; empty when
            the model described itself.
    """
    task: str
    input_size: Tuple[int, int]
    mean: Tuple[float, float, float]
    std: Tuple[float, float, float]
    to_rgb: bool
    split_ratio: float = 2.0
    keypoints: Optional[KeypointSet] = None
    keep_ratio: bool = True
    pad_value: float = 114.0
    assumed: List[str] = field(default_factory=list)

    def to_json(self) -> str:
        d = asdict(self)
        d.pop('assumed')
        d['version'] = META_VERSION
        return json.dumps(d, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> 'ModelMeta':
        try:
            d = json.loads(text)
            kps = d.get('keypoints')
            return cls(task=d['task'], input_size=tuple(int(v) for v in d['input_size']),
                       mean=tuple(float(v) for v in d['mean']),
                       std=tuple(float(v) for v in d['std']), to_rgb=bool(d['to_rgb']),
                       split_ratio=float(d.get('split_ratio', 2.0)),
                       keypoints=KeypointSet.from_dict(kps) if kps else None,
                       keep_ratio=bool(d.get('keep_ratio', True)),
                       pad_value=float(d.get('pad_value', 114.0)))
        except (KeyError, TypeError, ValueError) as e:
            if isinstance(e, ModelError):
                raise
            raise ModelError(f'the embedded model meta cannot be read ({e!r})') from None


# ---------------------------------------------------------------- keypoint sets

@functools.lru_cache(maxsize=None)
def _bundled_sets() -> Dict[str, Dict]:
    with open(osp.join(osp.dirname(__file__), 'keypoint_sets.json')) as f:
        return json.load(f)


def keypoint_set_names() -> List[str]:
    """The keypoint sets a bare model can be told it has (``--keypoints NAME``)."""
    return sorted(_bundled_sets())


def keypoint_set(name: str) -> KeypointSet:
    """A bundled keypoint set by dataset name (``coco``, ``coco_wholebody``, ...).

    Raises:
        ModelError: an unknown name (the message lists the known ones).
    """
    sets = _bundled_sets()
    if name not in sets:
        raise ModelError(f'unknown keypoint set {name!r}; known: {", ".join(sorted(sets))}')
    return KeypointSet.from_dict(sets[name])


# ---------------------------------------------------------------- embedded meta

def _varint(buf, pos: int) -> Tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError('truncated varint')
        b = buf[pos]
        result |= (b & 0x7F) << shift
        pos += 1
        if not b & 0x80:
            return result, pos
        shift += 7


def onnx_metadata(path: str) -> Dict[str, str]:
    """An ONNX file's ``metadata_props`` (ModelProto field 14), read without the onnx
    package: the file's top-level protobuf fields are walked and the graph skipped.

    Raises:
        ModelError: the file is not a protobuf (not an ONNX model).
    """
    out: Dict[str, str] = {}
    size = os.path.getsize(path)
    with open(path, 'rb') as f:
        pos = 0
        try:
            while pos < size:
                f.seek(pos)
                head = f.read(20)
                tag, after = _varint(head, 0)
                number, wire = tag >> 3, tag & 7
                pos += after
                if wire == 0:
                    _, n = _varint(head, after)
                    pos += n - after
                elif wire == 2:
                    length, n = _varint(head, after)
                    pos += n - after
                    if number == 14:
                        f.seek(pos)
                        key, value = _string_pair(f.read(length))
                        out[key] = value
                    pos += length
                elif wire == 5:
                    pos += 4
                elif wire == 1:
                    pos += 8
                else:
                    raise ValueError(f'wire type {wire}')
                if number == 0:
                    raise ValueError('field 0')
        except (ValueError, UnicodeDecodeError) as e:
            raise ModelError(f'{path} is not an ONNX model ({e})') from None
    return out


def _string_pair(buf: bytes) -> Tuple[str, str]:
    """A StringStringEntryProto: (key, value)."""
    pos, fields = 0, {}
    while pos < len(buf):
        tag, pos = _varint(buf, pos)
        if tag & 7 != 2:
            raise ValueError('unexpected wire type in metadata entry')
        length, pos = _varint(buf, pos)
        fields[tag >> 3] = buf[pos:pos + length].decode('utf-8')
        pos += length
    return fields.get(1, ''), fields.get(2, '')


def sidecar_path(model_path: str) -> str:
    """``<stem>.meta.json`` beside a model file (ncnn, TensorRT)."""
    return osp.splitext(model_path)[0] + '.meta.json'


def embedded_meta(path: str) -> Optional[ModelMeta]:
    """The meta a model file carries itself (or in its sidecar file), or None."""
    text = None
    if path.endswith('.onnx'):
        text = onnx_metadata(path).get(META_KEY)
    elif path.endswith('.xml'):
        import openvino as ov
        model = ov.Core().read_model(path)
        if model.has_rt_info(RT_INFO_PATH):
            text = str(model.get_rt_info(RT_INFO_PATH).astype(str))
    if text is None and osp.isfile(sidecar_path(path)):
        with open(sidecar_path(path)) as f:
            text = f.read()
    return ModelMeta.from_json(text) if text else None


def write_sidecar(model_path: str, meta: ModelMeta) -> str:
    path = sidecar_path(model_path)
    with open(path, 'w') as f:
        f.write(meta.to_json())
    return path


# ---------------------------------------------------------------- MMDeploy SDK folders

def is_sdk_folder(path: str) -> bool:
    return osp.isdir(path) and osp.isfile(osp.join(path, 'deploy.json'))


def sdk_model_file(folder: str) -> str:
    """The network file an SDK folder's ``deploy.json`` names.

    Raises:
        ModelError: no ``deploy.json`` model entry, or its file is missing.
    """
    try:
        with open(osp.join(folder, 'deploy.json')) as f:
            net = json.load(f)['models'][0]['net']
    except (OSError, KeyError, IndexError, ValueError) as e:
        raise ModelError(f'{folder} is not an MMDeploy SDK folder: deploy.json names no model '
                         f'({e!r})') from None
    path = osp.join(folder, net)
    if not osp.isfile(path):
        raise ModelError(f'the SDK folder {folder} names {net} in deploy.json, which is '
                         'missing')
    return path


def _transforms(pipeline: Dict) -> List[Dict]:
    for task in pipeline.get('pipeline', {}).get('tasks', []):
        if task.get('module') == 'Transform':
            return task.get('transforms', [])
    return []


def _postprocess(pipeline: Dict) -> Dict:
    tasks = pipeline.get('pipeline', {}).get('tasks', [])
    return tasks[-1] if tasks else {}


def sdk_meta(folder: str) -> ModelMeta:
    """What an SDK folder's ``pipeline.json`` says: the task, input size, mean/std and
    channel order, and the SimCC split ratio or the letterbox.

    Raises:
        ModelError: no readable ``pipeline.json``, or no input size in it.
    """
    try:
        with open(osp.join(folder, 'pipeline.json')) as f:
            pipeline = json.load(f)
    except (OSError, ValueError) as e:
        raise ModelError(f'{folder}: pipeline.json cannot be read ({e!r})') from None
    transforms = _transforms(pipeline)
    post = _postprocess(pipeline)
    is_pose = post.get('module') == 'mmpose' or any(
        t.get('type', '').lower().startswith('topdown') for t in transforms)
    norm = next((t for t in transforms if t.get('type') == 'Normalize'), {})
    mean = tuple(float(v) for v in norm.get('mean', (0.0, 0.0, 0.0)))
    std = tuple(float(v) for v in norm.get('std', (1.0, 1.0, 1.0)))
    to_rgb = bool(norm.get('to_rgb', False))
    size = None
    keep_ratio, pad_value = True, 114.0
    for t in transforms:
        if t.get('type') in ('TopdownAffine', 'TopDownAffine'):
            size = t.get('input_size', t.get('image_size', size))
        elif t.get('type') == 'Resize' and 'size' in t:
            size, keep_ratio = t['size'], bool(t.get('keep_ratio', False))
        elif t.get('type') == 'Pad' and 'size' in t:
            pad = t.get('pad_val', {})
            pad_value = float((pad.get('img', [114]) if isinstance(pad, dict) else pad)[0]
                              if not isinstance(pad, (int, float)) else pad)
    params = post.get('params', {})
    if size is None and is_pose:
        size = params.get('input_size')
    if size is None:
        raise ModelError(f'{folder}: pipeline.json gives no input size')
    size = (int(size[0]), int(size[1]))
    if is_pose:
        return ModelMeta('pose', size, mean, std, to_rgb,
                         split_ratio=float(params.get('simcc_split_ratio', 2.0)))
    return ModelMeta('detection', size, mean, std, to_rgb, keep_ratio=keep_ratio,
                     pad_value=pad_value)


def read_meta(model_path: str, folder: Optional[str] = None, keypoints: Optional[str] = None,
              task: str = 'pose', input_shape=None, size: Optional[int] = None) -> ModelMeta:
    """The meta of a model: embedded, else the SDK folder's, else assumed (see the module
    note). ``keypoints`` names the keypoint set of a model that carries none; a model
    that carries one must agree with it. ``input_shape``: a bare model's input shape, or
    a function giving it (called only for a bare model); ``size``: a bare detector's
    letterbox size when its input is dynamic (640 if not given).

    Raises:
        ModelError: a pose model with no keypoint set and none named, or a named set
            that differs from the embedded one.
    """
    meta = embedded_meta(model_path)
    if meta is None and folder is not None:
        meta = sdk_meta(folder)
    if meta is None:
        shape = input_shape() if callable(input_shape) else input_shape
        meta = _bare_meta(model_path, task, shape, size)
    if meta.task != task:
        raise ModelError(f'{model_path} is a {meta.task} model, not a {task} model')
    if task == 'pose':
        if keypoints is not None:
            named = keypoint_set(keypoints)
            if meta.keypoints is not None and meta.keypoints.name != named.name:
                raise ModelError(f'{model_path} says its keypoints are '
                                 f'{meta.keypoints.name!r}, not {keypoints!r}')
            if meta.keypoints is None:
                meta = replace(meta, keypoints=named,
                               assumed=meta.assumed + [f'keypoint set {keypoints!r} (named)'])
        if meta.keypoints is None:
            raise ModelError(f'{model_path} carries no keypoint meta (a model not exported by '
                             'rtmpose_plugin): name its keypoint set with --keypoints, one of '
                             f'{", ".join(keypoint_set_names())}')
    return meta


def _bare_meta(model_path: str, task: str, input_shape: Optional[Sequence],
               det_size: Optional[int] = None) -> ModelMeta:
    """A bare model's meta, from its input shape and the defaults, said as assumed."""
    size = None
    if input_shape is not None and all(isinstance(v, int) for v in input_shape[2:4]):
        size = (int(input_shape[3]), int(input_shape[2]))
    if task == 'pose':
        if size is None:
            raise ModelError(f'{model_path} has a dynamic input size and no meta: export it '
                             'with tools/deploy.py')
        return ModelMeta('pose', size, (123.675, 116.28, 103.53), (58.395, 57.12, 57.375),
                         True, 2.0, assumed=['ImageNet mean/std, RGB, SimCC split ratio 2 '
                                             '(mmpose RTMPose defaults)'])
    if size is None and det_size:
        size = (det_size, det_size)
    return ModelMeta('detection', size or (640, 640), RTMDET_MEAN, RTMDET_STD, False,
                     assumed=['RTMDet mean/std (BGR), letterbox with pad 114' +
                              ('' if size else ', input 640x640')])
