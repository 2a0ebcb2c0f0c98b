"""The meta an exported model carries, written into and read from model files.

The meta an exported model carries (:class:`rtmpose_plugin.runtime.meta.ModelMeta`)
written into, and read back from, model files with the backends' own packages (onnx,
openvino); the runtime reads it from its sessions instead (:mod:`..runtime.backends`).
"""
from __future__ import annotations

import json
import os
import os.path as osp
from typing import Optional

from ..runtime.meta import (BUNDLED_DATASETS, META_KEY, RT_INFO_PATH, ModelMeta,
                            keypoint_set_from_metainfo, sidecar_path)


def embed_meta(model_path: str, meta: ModelMeta) -> str:
    """Write ``meta`` into a model file.

    ONNX ``metadata_props``, OpenVINO ``rt_info``, else ``<stem>.meta.json`` beside it
    (ncnn, TensorRT). Returns the file written.
    """
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
        os.replace(tmp, model_path)
        os.replace(tmp[:-4] + '.bin', model_path[:-4] + '.bin')
        return model_path
    return write_sidecar(model_path, meta)


def file_meta(model_path: str) -> Optional[ModelMeta]:
    """The meta written into a model file (or beside it), or None."""
    text = None
    if model_path.endswith('.onnx'):
        import onnx
        model = onnx.load(model_path, load_external_data=False)
        text = next((p.value for p in model.metadata_props if p.key == META_KEY), None)
    elif model_path.endswith('.xml'):
        import openvino as ov
        model = ov.Core().read_model(model_path)
        if model.has_rt_info(RT_INFO_PATH):
            text = str(model.get_rt_info(RT_INFO_PATH).astype(str))
    if text is None and osp.isfile(sidecar_path(model_path)):
        with open(sidecar_path(model_path)) as f:
            text = f.read()
    return ModelMeta.from_json(text) if text else None


def write_sidecar(model_path: str, meta: ModelMeta) -> str:
    """``<stem>.meta.json`` beside a model file that has no place for meta (ncnn, TensorRT)."""
    path = sidecar_path(model_path)
    with open(path, 'w') as f:
        f.write(meta.to_json())
    return path


def write_keypoint_sets(path: str = '') -> str:
    """(Re)write the runtime's bundled keypoint sets from mmpose's dataset meta.

    ``python -c "from rtmpose_plugin.deploy.embed import write_keypoint_sets as w; w()"``.
    """
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
