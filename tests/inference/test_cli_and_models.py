"""tools/pose.py's logic, model names, and the RTMDet detector through MMDeploy."""
import json
import os
import os.path as osp

import pytest
import torch

from rtmpose_plugin.inference.cli import main
from rtmpose_plugin.inference.models import NAMES, resolve

from ..conftest import shared

pytestmark = pytest.mark.slow


@pytest.fixture(scope='module')
def onnx_model(trained_smoke, tmp_path_factory):
    from rtmpose_plugin.deploy import deploy
    return deploy(trained_smoke['config'], trained_smoke['checkpoint'],
                  str(tmp_path_factory.mktemp('cli_onnx')), sdk_meta=False)['model']


def test_cli_over_the_sample_folder_with_bundled_detections(onnx_model, tmp_path):
    summary = main([shared('coco'), '--pose', onnx_model, '--bundled-dets',
                    shared('coco', 'test_coco_det_AP_H_56.json'), shared('coco', 'test_coco.json'),
                    '--out', str(tmp_path), '--no-progress'])
    assert summary['frames'] == 4 and summary['people'] >= 10 and summary['errors'] == 0
    lines = [json.loads(l) for l in open(tmp_path / 'results.jsonl')]
    assert lines[0]['instances'][0]['keypoints'] and 'timings_ms' in lines[0]
    assert len([f for f in os.listdir(tmp_path) if f.endswith('.jpg')]) == 4


def test_cli_needs_a_detector_or_boxes(onnx_model, tmp_path):
    with pytest.raises(SystemExit):
        main([shared('coco'), '--pose', onnx_model, '--out', str(tmp_path)])


def test_model_names_resolve_to_configs_and_cached_checkpoints(tmp_path, monkeypatch):
    monkeypatch.setenv('TORCH_HOME', str(tmp_path))
    config, url = NAMES['rtmdet-nano']
    cached = tmp_path / 'hub' / 'checkpoints' / osp.basename(url)
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b'x')
    cfg_path, ckpt = resolve('rtmdet-nano')  # cached: no network
    assert cfg_path.endswith(config) and ckpt == str(cached)
    cfg_path, ckpt = resolve('rtmpose-t', checkpoint=str(cached))  # a local path
    assert cfg_path.endswith('rtmpose-t_8xb256-420e_coco-256x192.py')
    with pytest.raises(ValueError, match='not a model name'):
        resolve('no-such-model')
    with pytest.raises(FileNotFoundError, match='does not exist'):
        resolve('rtmpose-t', checkpoint=str(tmp_path / 'missing.pth'))


def test_rtmdet_exports_through_mmdeploy_and_detects_in_image_pixels(tmp_path):
    """RTMDet-nano with random weights: MMDeploy ONNX with NMS, our ONNX Runtime runner."""
    from mmengine.runner.checkpoint import save_checkpoint

    from rtmpose_plugin.analysis import build_model
    from rtmpose_plugin.inference.cli import build_detector
    model, cfg = build_model('rtmdet_nano_320-8xb32_coco-person.py')
    torch.manual_seed(0)
    model.init_weights()
    with torch.no_grad():  # make some boxes score above the threshold
        for conv in model.bbox_head.rtm_cls:
            conv.bias.fill_(2.0)
    ckpt = str(tmp_path / 'nano.pth')
    save_checkpoint(dict(state_dict=model.state_dict(), meta=dict()), ckpt)
    import rtmpose_plugin.inference.cli as cli
    cli.CACHE = str(tmp_path / 'cache')
    det = build_detector('rtmdet-nano', ckpt, 320, threads=0)
    import cv2
    image = cv2.imread(shared('coco', '000000196141.jpg'))
    boxes = det(image)
    assert boxes.ndim == 2 and boxes.shape[1] == 5 and len(boxes) > 0
    h, w = image.shape[:2]
    assert boxes[:, 2].max() <= w * 1.05 and boxes[:, 3].max() <= h * 1.05  # image pixels
