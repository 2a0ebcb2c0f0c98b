"""Every keypoint set end to end: a family config of ours exported with random weights
runs through tools/pose.py's logic with the real RTMDet-nano, K keypoints per person."""
import json

import numpy as np
import pytest

from rtmpose_plugin.console import pose_main as main
from rtmpose_plugin.runtime import keypoint_set

from ..conftest import random_checkpoint, shared

pytestmark = pytest.mark.slow

#: (config, keypoint set, K)
FAMILIES = [
    ('rtmpose-t_8xb256-420e_coco-256x192.py', 'coco', 17),
    ('rtmpose-m_8xb64-270e_coco-wholebody-256x192.py', 'coco_wholebody', 133),
    ('rtmpose-m_8xb64-210e_crowdpose-256x192.py', 'crowdpose', 14),
    ('rtmpose-m_8xb64-210e_mpii-256x256.py', 'mpii', 16),
    ('rtmpose-m_8xb64-210e_ap10k-256x256.py', 'ap10k', 17),
    ('rtmpose-t_8xb256-420e_body8-256x192.py', 'coco', 17),
    ('rtmpose-t_8xb1024-700e_body8-halpe26-256x192.py', 'halpe26', 26),
    ('rtmpose-t_8xb256-420e_humanart-256x192.py', 'humanart', 17),
    ('rtmpose-m_8xb256-210e_hand5-256x256.py', 'coco_wholebody_hand', 21),
    ('rtmpose-m_8xb32-60e_coco-wholebody-face-256x256.py', 'coco_wholebody_face', 68),
    ('rtmpose-m_8xb64-120e_lapa-256x256.py', 'lapa', 106),
    ('rtmpose-m_8xb64-60e_wflw-256x256.py', 'wflw', 98),
    # RTMW: the neck and the two-scale head export too
    ('rtmw-m_8xb1024-270e_cocktail14-256x192.py', 'coco_wholebody', 133),
    ('rtmpose-m_8xb256-120e_face6-256x256.py', 'lapa', 106),
]


@pytest.mark.parametrize('config, name, k', FAMILIES, ids=[f'{f[1]}-{f[0][:f[0].index("_")]}' for f in FAMILIES])
def test_family_exports_and_runs_with_the_real_detector(config, name, k, tmp_path):
    from rtmpose_plugin.deploy import deploy
    from rtmpose_plugin.deploy.embed import file_meta
    sdk = tmp_path / 'sdk'
    out = deploy(config, random_checkpoint(config, str(tmp_path / 'random.pth')), str(sdk))
    meta = file_meta(out['model'])
    assert meta.keypoints.name == name and meta.keypoints.num_keypoints == k
    np.testing.assert_allclose(meta.keypoints.sigmas, keypoint_set(name).sigmas)
    summary = main([shared('coco', '000000196141.jpg'), '--pose', str(sdk), '--det',
                    shared('models', 'rtmdet-nano-person'), '--backend', 'onnxruntime',
                    '--out', str(tmp_path / 'run'), '--no-progress', '--det-thr', '0.3'])
    assert summary['errors'] == 0 and summary['frames'] == 1
    assert (summary['keypoints'], summary['num_keypoints']) == (name, k)
    assert summary['people'] >= 1
    frame = json.loads(open(summary['results']).readline())
    for inst in frame['instances']:
        assert np.shape(inst['keypoints']) == (k, 2)
        assert np.shape(inst['keypoint_scores']) == (k, )
        assert inst['box_source'] == 'detector'
    assert (tmp_path / 'run' / '000000196141.jpg').is_file()


def ground_truth_boxes(ann_file: str, out: str) -> str:
    """The sample's annotated boxes as COCO detection results (score 1)."""
    data = json.load(open(ann_file))
    dets = [dict(image_id=a['image_id'], bbox=a['bbox'], score=1.0, category_id=1)
            for a in data['annotations']]
    with open(out, 'w') as f:
        json.dump(dets, f)
    return out


@pytest.mark.parametrize('config, folder, ann, name, k', [
    ('rtmpose-m_8xb256-210e_hand5-256x256.py', 'onehand10k', 'test_onehand10k.json',
     'coco_wholebody_hand', 21),
    ('rtmpose-m_8xb64-120e_lapa-256x256.py', 'lapa', 'test_lapa.json', 'lapa', 106),
], ids=['hand', 'face'])
def test_hand_and_face_run_top_down_on_given_boxes(config, folder, ann, name, k, tmp_path):
    """Hands and faces on their own boxes (here the samples' annotated ones), through
    the same CLI as bodies: one instance per box, K keypoints each."""
    from rtmpose_plugin.deploy import deploy
    sdk = tmp_path / 'sdk'
    deploy(config, random_checkpoint(config, str(tmp_path / 'random.pth')), str(sdk))
    dets = ground_truth_boxes(shared(folder, ann), str(tmp_path / 'boxes.json'))
    summary = main([shared(folder), '--pose', str(sdk), '--bundled-dets', dets,
                    shared(folder, ann), '--backend', 'onnxruntime', '--det-thr', '0.5',
                    '--out', str(tmp_path / 'run'), '--no-progress', '--no-track'])
    boxes = len(json.load(open(dets)))
    assert summary['errors'] == 0 and summary['frames'] == len(
        json.load(open(shared(folder, ann)))['images'])
    assert (summary['keypoints'], summary['num_keypoints']) == (name, k)
    assert summary['people'] == boxes
    for line in open(summary['results']):
        for inst in json.loads(line)['instances']:
            assert np.shape(inst['keypoints']) == (k, 2)
