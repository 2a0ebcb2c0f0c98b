"""The SimCC flip test's mapping equals mmpose's ``flip_vectors`` for every keypoint set."""
import pytest
import torch
from mmpose.datasets.datasets.utils import parse_pose_metainfo
from mmpose.models.utils.tta import flip_vectors

from rtmpose_plugin.core.flip import flip_simcc


@pytest.mark.parametrize('dataset', ['coco', 'coco_wholebody', 'crowdpose', 'mpii', 'ap10k'])
def test_flip_equals_mmpose(dataset):
    meta = parse_pose_metainfo(dict(from_file=f'configs/_base_/datasets/{dataset}.py'))
    k = meta['num_keypoints']
    x, y = torch.randn(2, k, 384), torch.randn(2, k, 512)
    ours = flip_simcc(x, y, meta['flip_indices'])
    ref = flip_vectors(x, y, meta['flip_indices'])
    torch.testing.assert_close(ours[0], ref[0], rtol=0, atol=0)
    torch.testing.assert_close(ours[1], ref[1], rtol=0, atol=0)


def test_flip_needs_one_index_per_keypoint():
    with pytest.raises(ValueError, match='flip_indices has 3 entries'):
        flip_simcc(torch.zeros(1, 17, 8), torch.zeros(1, 17, 8), [0, 2, 1])
