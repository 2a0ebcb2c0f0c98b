"""Every keypoint set end to end: a family config of ours exported with random weights
runs through tools/pose.py's logic with the real RTMDet-nano, K keypoints per person."""
import json

import numpy as np
import pytest

from rtmpose_plugin.inference.cli import main
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
]


@pytest.mark.parametrize('config, name, k', FAMILIES, ids=[f[1] for f in FAMILIES])
def test_family_exports_and_runs_with_the_real_detector(config, name, k, tmp_path):
    from rtmpose_plugin.deploy import deploy
    from rtmpose_plugin.runtime.meta import embedded_meta
    sdk = tmp_path / 'sdk'
    out = deploy(config, random_checkpoint(config, str(tmp_path / 'random.pth')), str(sdk))
    meta = embedded_meta(out['model'])
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
