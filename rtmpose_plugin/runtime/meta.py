"""What an exported model says about itself.

Input size, normalisation, SimCC split ratio and its keypoint set (names, OKS sigmas,
flip pairs, skeleton, colours).

Where it is read from, first found first:

1. embedded in the model file: ONNX ``metadata_props`` (key :data:`META_KEY`), OpenVINO
   ``rt_info`` (``rtmpose_plugin/meta``), or ``<stem>.meta.json`` beside an ncnn
   ``.param`` or a TensorRT engine, read from the open session by the backend table
   (:mod:`.backends`);
2. an MMDeploy SDK folder's ``pipeline.json`` (input size, mean/std, channel order,
   split ratio, letterbox), which MMDeploy writes and OpenMMLab's published model zips
   carry; it names no keypoint set;
3. what the caller names: a keypoint set of :data:`keypoint_set_names` for a model that
   carries none, and for a bare detector the RTMDet defaults, always said in
   :attr:`ModelMeta.assumed`.

4. for PyTorch and for export, a training config (:func:`pose_meta_from_config`; these
   functions import mmpose when called).

Importing this module imports the standard library and NumPy only: the runtime runs
without the training stack.
"""
from __future__ import annotations

import functools
import json
import os.path as osp
from dataclasses import asdict, dataclass, field, replace
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..errors import ModelError

#: the key of the JSON meta in ONNX ``metadata_props``
META_KEY = 'rtmpose_plugin.meta'
#: the OpenVINO ``rt_info`` path of the JSON meta
RT_INFO_PATH = ['rtmpose_plugin', 'meta']
META_VERSION = 1

#: mmdet's RTMDet data preprocessor (BGR), used for a bare detector
RTMDET_MEAN = (103.53, 116.28, 123.675)
RTMDET_STD = (57.375, 57.12, 58.395)


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
        """Named groups of keypoint indices, from the keypoint names alone.

        Named groups of keypoint indices, from the keypoint names alone (so every set
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

def sidecar_path(model_path: str) -> str:
    """``<stem>.meta.json`` beside a model file (ncnn, TensorRT)."""
    return osp.splitext(model_path)[0] + '.meta.json'


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
    """What an SDK folder's ``pipeline.json`` says.

    The task, input size, mean/std and channel order, and the SimCC split ratio or the
    letterbox.

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


def resolve_meta(embedded: Optional[ModelMeta], model_path: str,
                 folder: Optional[str] = None, keypoints: Optional[str] = None,
                 task: str = 'pose', input_shape: Optional[Sequence] = None,
                 size: Optional[int] = None) -> ModelMeta:
    """A model's meta: ``embedded``, else the SDK folder's, else assumed (see the module note).

    ``keypoints`` names the keypoint set of a model that carries none; a model that carries
    one must agree with it. ``input_shape``: a bare model's input shape; ``size``: a bare
    detector's letterbox size when its input is dynamic (640 if not given).

    Raises:
        ModelError: a pose model with no keypoint set and none named, or a named set
            that differs from the embedded one.
    """
    meta = embedded
    if meta is None and folder is not None:
        meta = sdk_meta(folder)
    if meta is None:
        meta = _bare_meta(model_path, task, input_shape, size)
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


# ---------------------------------------------------------------- from a training config

#: the keypoint sets bundled with the runtime (``runtime/keypoint_sets.json``), for
#: models that carry none: the name ``--keypoints`` takes -> mmpose's dataset meta file
#: (the set's own ``name`` is the dataset name that file gives, e.g. 'Human-Art')
BUNDLED_DATASETS = {
    name: f'configs/_base_/datasets/{name}.py'
    for name in ('coco', 'coco_wholebody', 'crowdpose', 'mpii', 'ap10k', 'aic', 'halpe',
                 'halpe26', 'humanart', 'onehand10k', 'coco_wholebody_hand',
                 'coco_wholebody_face', 'lapa', 'wflw', '300w', 'cofw', 'ubody2d')
}


def keypoint_set_from_metainfo(metainfo: Dict) -> KeypointSet:
    """A :class:`KeypointSet` from a dataset meta dict.

    A :class:`KeypointSet` from a dataset meta dict (``dict(from_file=...)`` or the
    full one), parsed by mmpose."""
    from mmpose.datasets.datasets.utils import parse_pose_metainfo
    meta = parse_pose_metainfo(dict(metainfo))
    k = int(meta['num_keypoints'])
    sigmas = np.asarray(meta.get('sigmas', []), np.float64).reshape(-1)
    if sigmas.size != k:  # a dataset without OKS sigmas: one value for all
        sigmas = np.full(k, 0.08)
    as_int = lambda rows: [tuple(int(v) for v in row) for row in rows]  # noqa: E731
    # a bundled set is named as its file (mmpose's Human-Art file says 'Human-Art')
    stem = osp.splitext(osp.basename(str(dict(metainfo).get('from_file', ''))))[0]
    return KeypointSet(
        name=stem if stem in BUNDLED_DATASETS else str(meta['dataset_name']),
        names=[str(meta['keypoint_id2name'][i]) for i in range(k)],
        sigmas=[float(s) for s in sigmas],
        flip_pairs=as_int(meta.get('flip_pairs', [])),
        skeleton=as_int(meta.get('skeleton_links', [])),
        keypoint_colors=as_int(np.asarray(meta.get('keypoint_colors', [])).reshape(-1, 3)),
        link_colors=as_int(np.asarray(meta.get('skeleton_link_colors', [])).reshape(-1, 3)),
    ).check()


def dataset_metainfo(cfg) -> Dict:
    """The dataset meta of a config's test dataset.

    Its ``metainfo``, else its dataset class's ``METAINFO``.
    """
    from mmpose.registry import DATASETS
    from mmengine.registry import init_default_scope
    init_default_scope(cfg.get('default_scope', 'mmpose'))
    dataset = cfg.test_dataloader.dataset
    if dataset.get('metainfo'):
        return dict(dataset['metainfo'])
    cls = DATASETS.get(dataset['type'])
    if cls is None or not getattr(cls, 'METAINFO', None):
        raise ValueError(f'the config\'s test dataset {dataset["type"]!r} has no metainfo: '
                         'give test_dataloader.dataset.metainfo')
    return dict(cls.METAINFO)


def pose_meta_from_config(cfg) -> ModelMeta:
    """A pose model's meta from its training config.

    Codec input size and split ratio, the data preprocessor's mean/std and channel order,
    the test dataset's keypoints.
    """
    pre = cfg.model.get('data_preprocessor', {})
    codec = cfg.codec
    ratio = float(codec.get('simcc_split_ratio', 2.0))
    w, h = codec['input_size'][:2]
    return ModelMeta('pose', (int(w), int(h)),
                     tuple(float(v) for v in pre.get('mean', (0, 0, 0))),
                     tuple(float(v) for v in pre.get('std', (1, 1, 1))),
                     bool(pre.get('bgr_to_rgb', False)), ratio,
                     keypoints=keypoint_set_from_metainfo(dataset_metainfo(cfg)))


def detector_meta_from_config(cfg, size: int) -> ModelMeta:
    """An RTMDet's meta from its config.

    Letterbox to ``size`` with pad 114, its data preprocessor's mean/std and channel order.
    """
    pre = cfg.model.get('data_preprocessor', {})
    return ModelMeta('detection', (int(size), int(size)),
                     tuple(float(v) for v in pre.get('mean', (0, 0, 0))),
                     tuple(float(v) for v in pre.get('std', (1, 1, 1))),
                     bool(pre.get('bgr_to_rgb', False)), keep_ratio=True, pad_value=114.0)
