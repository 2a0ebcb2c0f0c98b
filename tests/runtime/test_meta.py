"""What models say about themselves: SDK folders (the real RTMDet-nano's), embedded ONNX
meta read from the open session (no onnx package), the bundled keypoint sets against
mmpose's."""
import json
import shutil

import numpy as np
import onnx
import pytest

from rtmpose_plugin.runtime.backends import meta_of, open_session
from rtmpose_plugin.runtime.meta import (META_KEY, ModelError, ModelMeta, keypoint_set,
                                         keypoint_set_names, resolve_meta, sdk_meta)

from ..conftest import shared

DET = 'models/rtmdet-nano-person'


def test_sdk_folder_of_the_real_detector_is_read_from_its_pipeline_json():
    meta = sdk_meta(shared(DET))
    pipeline = json.load(open(shared(DET, 'pipeline.json')))
    norm = next(t for t in pipeline['pipeline']['tasks'][0]['transforms']
                if t['type'] == 'Normalize')
    assert meta.task == 'detection' and meta.input_size == (320, 320)
    assert meta.mean == tuple(norm['mean']) and meta.std == tuple(norm['std'])
    assert meta.to_rgb is False and meta.keep_ratio is True and meta.pad_value == 114


def test_sdk_values_come_from_the_file_not_from_defaults(tmp_path):
    folder = tmp_path / 'det'
    shutil.copytree(shared(DET), folder)
    pipeline = json.load(open(folder / 'pipeline.json'))
    for t in pipeline['pipeline']['tasks'][0]['transforms']:
        if t['type'] == 'Normalize':
            t['mean'], t['std'], t['to_rgb'] = [1.0, 2.0, 3.0], [4.0, 5.0, 6.0], True
        if t['type'] == 'Pad' and 'pad_val' in t:
            t['pad_val'] = {'img': [0, 0, 0]}
        if t['type'] == 'Resize':
            t['size'] = [416, 416]
    json.dump(pipeline, open(folder / 'pipeline.json', 'w'))
    meta = sdk_meta(str(folder))
    assert (meta.mean, meta.std, meta.to_rgb) == ((1, 2, 3), (4, 5, 6), True)
    assert meta.pad_value == 0 and meta.input_size == (416, 416)


def test_onnx_meta_is_read_from_the_session_and_junk_is_refused(tmp_path):
    meta = ModelMeta('detection', (320, 320), (1., 2., 3.), (4., 5., 6.), False)
    model = onnx.load(shared(DET, 'end2end.onnx'))
    model.metadata_props.add(key=META_KEY, value=meta.to_json())
    model.metadata_props.add(key='other', value='ü')
    path = str(tmp_path / 'm.onnx')
    onnx.save(model, path)
    assert meta_of(open_session(path)) == meta
    assert meta_of(open_session(shared(DET, 'end2end.onnx'))) is None
    junk = tmp_path / 'junk.onnx'
    junk.write_bytes(b'\xff' * 64)
    with pytest.raises(ModelError, match='not an ONNX model'):
        open_session(str(junk))


def test_meta_round_trips_through_json():
    meta = ModelMeta('pose', (192, 256), (1., 2., 3.), (4., 5., 6.), True, 2.0,
                     keypoints=keypoint_set('crowdpose'))
    again = ModelMeta.from_json(meta.to_json())
    assert again == meta
    with pytest.raises(ModelError, match='cannot be read'):
        ModelMeta.from_json('{"task": "pose"}')


def test_bundled_keypoint_sets_equal_mmpose_dataset_meta():
    from rtmpose_plugin.runtime.meta import BUNDLED_DATASETS, keypoint_set_from_metainfo
    assert sorted(keypoint_set_names()) == sorted(BUNDLED_DATASETS)
    for name, meta_file in BUNDLED_DATASETS.items():
        ref = keypoint_set_from_metainfo(dict(from_file=meta_file))
        assert keypoint_set(name) == ref, name


def test_bare_pose_model_needs_its_keypoint_set_named(tmp_path):
    path = str(tmp_path / 'bare.onnx')
    shutil.copy(shared(DET, 'end2end.onnx'), path)
    with pytest.raises(ModelError, match='--keypoints'):
        resolve_meta(None, path, input_shape=(1, 3, 256, 192))
    meta = resolve_meta(None, path, keypoints='mpii', input_shape=(1, 3, 256, 192))
    assert meta.keypoints.num_keypoints == 16 and meta.input_size == (192, 256)
    assert any('mpii' in a for a in meta.assumed) and any('ImageNet' in a for a in meta.assumed)
    with pytest.raises(ModelError, match='unknown keypoint set'):
        resolve_meta(None, path, keypoints='nope', input_shape=(1, 3, 256, 192))
    np.testing.assert_allclose(meta.keypoints.sigma_array, keypoint_set('mpii').sigmas)
