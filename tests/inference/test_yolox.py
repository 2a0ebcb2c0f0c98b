"""rtmlib's person detectors are YOLOX models exported by MMDeploy: an export of mmdet's
YOLOX (random weights, MMDeploy's own SDK meta only, as OpenMMLab's zips carry) opens as
our Detector and finds the boxes rtmlib's own YOLOX finds in the same file."""
import os.path as osp

import cv2
import numpy as np
import pytest

from ..conftest import shared

pytestmark = pytest.mark.slow


def test_a_yolox_sdk_folder_detects_as_rtmlibs_yolox(tmp_path):
    rtmlib = pytest.importorskip('rtmlib')
    import mmdet
    from mmengine.config import Config
    from rtmpose_plugin.deploy.export import deploy_detector
    from rtmpose_plugin.inference import open_detector

    from ..model_server import zip_sdk_folder
    config = osp.join(osp.dirname(mmdet.__file__), '.mim', 'configs', 'yolox',
                      'yolox_tiny_8xb8-300e_coco.py')
    cfg = Config.fromfile(config)
    cfg.model.bbox_head.num_classes = 1  # a person detector, as the Human-Art YOLOX
    cfg_path = str(tmp_path / 'yolox_tiny_person.py')
    cfg.dump(cfg_path)
    def scoring(model):  # some boxes over the thresholds
        for conv in model.bbox_head.multi_level_conv_obj:
            conv.bias.fill_(3.0)
        for conv in model.bbox_head.multi_level_conv_cls:
            conv.bias.fill_(3.0)

    from rtmpose_plugin.testing import random_checkpoint
    ckpt = random_checkpoint(cfg_path, str(tmp_path / 'yolox.pth'), adjust=scoring)
    deploy_detector(cfg_path, ckpt, str(tmp_path / 'sdk'), 416)
    # as published: our embedded meta stripped, MMDeploy's pipeline.json alone
    from rtmpose_plugin.inference.opener import unpack_sdk_zip
    folder = unpack_sdk_zip(zip_sdk_folder(str(tmp_path / 'sdk'), str(tmp_path / 'yolox.zip'),
                                           strip_meta=True))
    ours = open_detector(folder)
    assert ours.meta.assumed == [] and ours.input_size == (416, 416)
    assert ours.meta.mean == (0.0, 0.0, 0.0) and ours.meta.std == (1.0, 1.0, 1.0)
    # 832x624 letterboxes to exactly 416x312 (rtmlib truncates the resized size, we round
    # it; elsewhere a pixel's difference reorders the many near-tied boxes of random weights)
    image = cv2.resize(cv2.imread(shared('coco', '000000196141.jpg')), (832, 624))
    boxes = ours(image)
    boxes = boxes[boxes[:, 4] > 0.3]  # rtmlib's threshold for an export with NMS
    theirs = rtmlib.YOLOX(osp.join(folder, 'end2end.onnx'), model_input_size=(416, 416),
                          backend='onnxruntime')(image)
    assert len(boxes) > 0 and theirs.shape == boxes[:, :4].shape
    np.testing.assert_allclose(boxes[:, :4], theirs, atol=1e-3)  # the same boxes, in order
