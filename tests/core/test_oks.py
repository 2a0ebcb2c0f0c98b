
import numpy as np
import pytest
from mmpose.evaluation.functional import oks_nms as ref_oks_nms
from mmpose.evaluation.functional.nms import oks_iou

from rtmpose_plugin.core.oks import oks_matrix, oks_nms
from rtmpose_plugin.runtime import keypoint_set

COCO = keypoint_set('coco').sigma_array


def poses(n=12, seed=0, k=17):
    rng = np.random.default_rng(seed)
    base = rng.uniform(50, 400, (n // 3, 1, 2)) + rng.normal(0, 30, (n // 3, k, 2))
    kpts = np.concatenate([base + rng.normal(0, s, base.shape) for s in (0, 3, 20)])
    scores = rng.random(n)
    kscores = rng.random((n, k))
    areas = rng.uniform(2000, 20000, n)
    return kpts, scores, kscores, areas


@pytest.mark.parametrize('vis_thr', [None, 0.3])
@pytest.mark.parametrize('dataset', ['coco', 'crowdpose', 'coco_wholebody', 'ap10k'])
def test_oks_equals_mmpose(vis_thr, dataset):
    sigmas = keypoint_set(dataset).sigma_array
    kpts, _, ks, areas = poses(k=len(sigmas))
    flat = np.concatenate([kpts, ks[..., None]], -1).reshape(len(kpts), -1)
    ours = oks_matrix(kpts, kpts, areas, areas, sigmas, vis_a=ks, vis_b=ks, vis_thr=vis_thr)
    for i in range(len(kpts)):
        np.testing.assert_allclose(ours[i], oks_iou(flat[i], flat, areas[i], areas,
                                                    sigmas=sigmas, vis_thr=vis_thr),
                                   rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('thr', [0.5, 0.9])
def test_oks_nms_equals_mmpose(thr):
    kpts, scores, ks, areas = poses(seed=3)
    db = [dict(keypoints=np.concatenate([k, s[:, None]], -1), score=sc, area=a)
          for k, s, sc, a in zip(kpts, ks, scores, areas)]
    np.testing.assert_array_equal(oks_nms(kpts, scores, areas, thr, COCO), ref_oks_nms(db, thr))


def test_oks_nms_drops_duplicates_keeps_distinct():
    kpts, scores, _, areas = poses(n=12, seed=1)
    keep = oks_nms(kpts, scores, areas, 0.9, COCO)
    assert 4 <= len(keep) < 12  # near-copies (noise 0 and 3 px) collapse
    assert oks_nms(kpts[:0], scores[:0], areas[:0], 0.9, COCO).shape == (0, )
    with pytest.raises(ValueError, match='sigmas'):
        oks_matrix(kpts[:, :5], kpts[:, :5], areas, areas, COCO)


