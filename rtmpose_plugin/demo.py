"""The main job on its embedded default (``make demo``): CPU, bundled samples, no download.

1. train RTMPose-t from scratch on the COCO sample images (the smoke config);
2. evaluate it (COCO AP on those images);
3. export it through MMDeploy to ONNX;
4. run it on ONNX Runtime on the sample images, one batched forward per image
   for the bundled person detections, and write annotated images and one JSON
   line per image (written as it goes);
5. say what it did and where.
"""
from __future__ import annotations

import argparse
import json
import os
import os.path as osp
import time
from typing import Callable, Dict, List, Optional, Sequence

import cv2
import numpy as np

from .core.topdown import crop_person, keypoints_to_image

SMOKE_CONFIG = 'rtmpose-t_1xb4-120e_coco-sample-256x192.py'


def default_data_root() -> str:
    """``RTMPOSE_SHARED_DATA``, else ``../shared/data`` from the working directory
    (the checkout's root, where ``make demo`` runs), else ``./shared/data``."""
    if os.environ.get('RTMPOSE_SHARED_DATA'):
        return os.environ['RTMPOSE_SHARED_DATA']
    for cand in (osp.join('..', 'shared', 'data'), osp.join('shared', 'data')):
        if osp.isdir(cand):
            return osp.abspath(cand)
    return osp.abspath(osp.join('..', 'shared', 'data'))


def coco_skeleton() -> List[tuple]:
    from mmpose.datasets.datasets.utils import parse_pose_metainfo
    meta = parse_pose_metainfo(dict(from_file='configs/_base_/datasets/coco.py'))
    return [tuple(link) for link in meta['skeleton_links']]


def draw_poses(image: np.ndarray, keypoints: np.ndarray, scores: np.ndarray,
               boxes: np.ndarray, skeleton: Sequence[tuple], thr: float = 0.3) -> np.ndarray:
    """Boxes, limbs and keypoints with score > thr, on a copy of the image."""
    out = image.copy()
    for box, kps, sc in zip(boxes, keypoints, scores):
        x, y, w, h = box.astype(int)
        cv2.rectangle(out, (x, y), (x + w, y + h), (0, 200, 0), 1)
        for a, b in skeleton:
            if sc[a] > thr and sc[b] > thr:
                cv2.line(out, tuple(kps[a].astype(int)), tuple(kps[b].astype(int)),
                         (255, 128, 0), 2, cv2.LINE_AA)
        for (px, py), s in zip(kps, sc):
            if s > thr:
                cv2.circle(out, (int(px), int(py)), 3, (0, 0, 255), -1, cv2.LINE_AA)
    return out


def detections_by_image(det_file: str, score_thr: float) -> Dict[int, np.ndarray]:
    boxes: Dict[int, list] = {}
    for det in json.load(open(det_file)):
        if det.get('category_id', 1) == 1 and det['score'] >= score_thr:
            boxes.setdefault(det['image_id'], []).append(det['bbox'])
    return {k: np.array(v, np.float32) for k, v in boxes.items()}


def run_onnx_on_samples(onnx_path: str, coco_dir: str, out_dir: str,
                        score_thr: float = 0.5) -> dict:
    """Pose on every sample image for its bundled detections; writes images and JSON lines."""
    from .deploy import OnnxPoseModel
    model = OnnxPoseModel(onnx_path)
    images = json.load(open(osp.join(coco_dir, 'test_coco.json')))['images']
    dets = detections_by_image(osp.join(coco_dir, 'test_coco_det_AP_H_56.json'), score_thr)
    skeleton = coco_skeleton()
    os.makedirs(out_dir, exist_ok=True)
    results_path = osp.join(out_dir, 'results.jsonl')
    people, seconds = 0, 0.0
    with open(results_path, 'w') as results:
        for info in images:
            image = cv2.imread(osp.join(coco_dir, info['file_name']))
            boxes = dets.get(info['id'], np.zeros((0, 4), np.float32))
            t0 = time.perf_counter()
            if len(boxes):
                crops, centers, scales = [], [], []
                for box in boxes:
                    crop, (c, s) = crop_person(image, box, model.input_size)
                    crops.append(crop), centers.append(c), scales.append(s)
                kps, scores = model(np.stack(crops))
                kps = keypoints_to_image(kps, np.stack(centers), np.stack(scales),
                                         model.input_size)
            else:
                kps, scores = np.zeros((0, 17, 2)), np.zeros((0, 17))
            seconds += time.perf_counter() - t0
            people += len(boxes)
            cv2.imwrite(osp.join(out_dir, info['file_name']),
                        draw_poses(image, kps, scores, boxes, skeleton))
            results.write(json.dumps(dict(
                image=info['file_name'], image_id=info['id'],
                instances=[dict(bbox=b.tolist(), keypoints=k.round(2).tolist(),
                                keypoint_scores=s.round(4).tolist())
                           for b, k, s in zip(boxes, kps, scores)])) + '\n')
            results.flush()
    return dict(images=len(images), people=people, pose_ms_per_person=1e3 * seconds /
                max(people, 1), results=results_path)


def main(argv: Optional[Sequence[str]] = None,
         say: Optional[Callable[[str], None]] = None) -> dict:
    """Run the demo; ``say`` receives progress lines (mmengine's logger by default)."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data-root', default=default_data_root(),
                        help='the sample data folder (with coco/)')
    parser.add_argument('--out', default='outputs/demo', help='where everything is written')
    args = parser.parse_args(argv)

    from mmengine.config import Config
    from mmengine.logging import MMLogger
    from mmengine.runner import Runner

    import rtmpose_plugin  # noqa: F401
    from .apis.runner import find_config, replace_data_root
    from .deploy import export_onnx

    coco_dir = osp.join(args.data_root, 'coco')
    if not osp.isfile(osp.join(coco_dir, 'test_coco.json')):
        raise SystemExit(f'No COCO samples at {coco_dir}: pass --data-root (the folder '
                         'with coco/test_coco.json)')
    out = osp.abspath(args.out)
    config = find_config(SMOKE_CONFIG)
    cfg = replace_data_root(Config.fromfile(config), coco_dir)
    cfg.work_dir = osp.join(out, 'train')
    epochs = cfg.train_cfg.max_epochs  # the schedule is computed for it: not overridden
    cfg.train_cfg.val_interval = epochs
    cfg.default_hooks.checkpoint.interval = epochs
    cfg.default_hooks.logger.interval = 10
    cfg.log_level = 'WARNING'

    if say is None:
        logger = MMLogger.get_instance('rtmpose_plugin.demo')
        say = logger.info
    say(f'1/4 training RTMPose-t on the {coco_dir} samples for {epochs} epochs (CPU)')
    t0 = time.perf_counter()
    runner = Runner.from_cfg(cfg)
    runner.train()
    train_s = time.perf_counter() - t0
    checkpoint = osp.join(cfg.work_dir, f'epoch_{epochs}.pth')
    say('2/4 evaluating on the sample images')
    metrics = runner.test()
    MMLogger.get_current_instance().setLevel('WARNING')
    say('3/4 exporting through MMDeploy to ONNX')
    onnx_path = export_onnx(config, checkpoint, osp.join(out, 'onnx'))
    say('4/4 ONNX Runtime on the sample images with the bundled person detections')
    run = run_onnx_on_samples(onnx_path, coco_dir, osp.join(out, 'vis'))

    summary = dict(train_seconds=round(train_s, 1), checkpoint=checkpoint,
                   coco_AP=round(float(metrics['coco/AP']), 4), onnx=onnx_path, **run,
                   annotated_images=osp.join(out, 'vis'))
    with open(osp.join(out, 'summary.json'), 'w') as f:
        json.dump(summary, f, indent=2)
    say(f'trained {epochs} epochs in {summary["train_seconds"]} s -> {checkpoint}')
    say(f'COCO AP on the 4 sample images: {summary["coco_AP"]:.3f}')
    say(f'ONNX model: {onnx_path}')
    say(f'{run["people"]} people in {run["images"]} images, '
        f'{run["pose_ms_per_person"]:.1f} ms per person on ONNX Runtime')
    say(f'annotated images: {summary["annotated_images"]}/, results: {run["results"]}')
    say(f'summary: {osp.join(out, "summary.json")}')
    return summary
