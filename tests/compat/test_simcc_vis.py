"""The stack fixes of rtmpose_plugin.compat: each test fails without its fix."""

import numpy as np
import torch

import rtmpose_plugin.register  # noqa: F401
from rtmpose_plugin import compat


# --- torchvision -------------------------------------------------------------------------


def test_mmpose_visualization_imports_and_draws_simcc_heatmaps():
    from mmengine.structures import InstanceData, PixelData
    from mmpose.structures import PoseDataSample
    from mmpose.visualization import PoseLocalVisualizer

    vis = PoseLocalVisualizer(name='compat_test_vis')
    vis.set_dataset_meta(dict(skeleton_links=[(0, 1)], keypoint_colors=np.zeros((2, 3)),
                              skeleton_link_colors=np.zeros((1, 3)), num_keypoints=2))
    sample = PoseDataSample()
    sample.pred_instances = InstanceData(keypoints=np.array([[[10., 20.], [40., 50.]]]),
                                         keypoint_scores=np.ones((1, 2)))
    heat = torch.zeros(2, 64, 48)
    heat[0, 20, 10] = heat[1, 50, 40] = 1.0
    sample.pred_fields = PixelData(heatmaps=heat)
    image = np.full((64, 48, 3), 128, np.uint8)
    out = vis.add_datasample('x', image, sample, draw_gt=False, draw_heatmap=True, show=False)
    assert out.shape[0] == 2 * 64 and out.shape[2] == 3  # image above its heatmap drawing
    assert out[64:].std() > 0  # the heatmap half is not blank


def test_opencv_pose_visualizer_draws_keypoints_on_numpy2():
    """PoseLocalVisualizer (OpenCV backend) draws keypoints with int(np.array([r]))."""
    from mmengine.structures import InstanceData
    from mmpose.structures import PoseDataSample
    from mmpose.visualization import PoseLocalVisualizer

    assert compat.applied()['opencv_visualizer_radius_numpy2'] is \
        compat.fixes.numpy_refuses_int_of_1d_arrays()
    vis = PoseLocalVisualizer(name='radius_test_vis', radius=4)
    vis.set_dataset_meta(dict(skeleton_links=[(0, 1)], keypoint_colors=np.full((2, 3), 255),
                              skeleton_link_colors=np.full((1, 3), 255), num_keypoints=2))
    sample = PoseDataSample()
    sample.pred_instances = InstanceData(keypoints=np.array([[[10., 20.], [40., 50.]]]),
                                         keypoint_scores=np.ones((1, 2)))
    out = vis.add_datasample('x', np.zeros((64, 64, 3), np.uint8), sample, draw_gt=False,
                             show=False)
    assert out[20, 10].max() > 0 and out[50, 40].max() > 0  # both keypoints drawn
