"""The meta an exported model carries (:class:`rtmpose_plugin.runtime.meta.ModelMeta`),
made from its training config, and written into the model file.

Keypoint sets come from mmpose's dataset meta (``parse_pose_metainfo``), the same
source mmpose's visualiser and metrics read.
"""
from __future__ import annotations

import os.path as osp
from typing import Dict

import numpy as np

from ..runtime.meta import (META_KEY, RT_INFO_PATH, KeypointSet, ModelMeta, write_sidecar)


def keypoint_set_from_metainfo(metainfo: Dict) -> KeypointSet:
    """A :class:`KeypointSet` from a dataset meta dict (``dict(from_file=...)`` or the
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
    """The dataset meta of a config's test dataset: its ``metainfo``, else its dataset
    class's ``METAINFO``."""
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
    """A pose model's meta from its training config: codec input size and split ratio,
    the data preprocessor's mean/std and channel order, the test dataset's keypoints."""
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
    """An RTMDet's meta from its config: letterbox to ``size`` with pad 114, its data
    preprocessor's mean/std and channel order."""
    pre = cfg.model.get('data_preprocessor', {})
    return ModelMeta('detection', (int(size), int(size)),
                     tuple(float(v) for v in pre.get('mean', (0, 0, 0))),
                     tuple(float(v) for v in pre.get('std', (1, 1, 1))),
                     bool(pre.get('bgr_to_rgb', False)), keep_ratio=True, pad_value=114.0)


def embed_meta(model_path: str, meta: ModelMeta) -> str:
    """Write ``meta`` into a model file: ONNX ``metadata_props``, OpenVINO ``rt_info``,
    else ``<stem>.meta.json`` beside it (ncnn, TensorRT). Returns the file written."""
    if model_path.endswith('.onnx'):
        import onnx
        model = onnx.load(model_path)
        kept = [p for p in model.metadata_props if p.key != META_KEY]
        del model.metadata_props[:]
        model.metadata_props.extend(kept)
        model.metadata_props.add(key=META_KEY, value=meta.to_json())
        onnx.save(model, model_path)
        return model_path
    if model_path.endswith('.xml'):
        import openvino as ov
        model = ov.Core().read_model(model_path)
        model.set_rt_info(meta.to_json(), RT_INFO_PATH)
        tmp = model_path[:-4] + '.tmp.xml'
        ov.save_model(model, tmp, compress_to_fp16=False)
        del model
        import os
        os.replace(tmp, model_path)
        os.replace(tmp[:-4] + '.bin', model_path[:-4] + '.bin')
        return model_path
    return write_sidecar(model_path, meta)


#: the keypoint sets bundled with the runtime (``runtime/keypoint_sets.json``), for
#: models that carry none: the name ``--keypoints`` takes -> mmpose's dataset meta file
#: (the set's own ``name`` is the dataset name that file gives, e.g. 'Human-Art')
BUNDLED_DATASETS = {
    name: f'configs/_base_/datasets/{name}.py'
    for name in ('coco', 'coco_wholebody', 'crowdpose', 'mpii', 'ap10k', 'aic', 'halpe',
                 'halpe26', 'humanart', 'onehand10k', 'coco_wholebody_hand',
                 'coco_wholebody_face', 'lapa', 'wflw', '300w', 'cofw', 'ubody2d')
}


def write_keypoint_sets(path: str = '') -> str:
    """(Re)write the runtime's bundled keypoint sets from mmpose's dataset meta:
    ``python -c "from rtmpose_plugin.deploy.meta import write_keypoint_sets as w; w()"``.
    """
    import json
    import os.path as osp
    from dataclasses import asdict
    path = path or osp.join(osp.dirname(osp.dirname(__file__)), 'runtime',
                            'keypoint_sets.json')
    sets = {}
    for name, meta_file in BUNDLED_DATASETS.items():
        sets[name] = asdict(keypoint_set_from_metainfo(dict(from_file=meta_file)))
    with open(path, 'w') as f:
        json.dump(sets, f, separators=(',', ':'), sort_keys=True)
        f.write('\n')
    return path
