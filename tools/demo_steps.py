"""The main job on its embedded default (``make demo``): CPU, bundled samples, no download.

1. train RTMPose-t from scratch on the COCO sample images (the smoke config);
2. evaluate it (COCO AP on those images);
3. export it through MMDeploy to ONNX, as an MMDeploy SDK folder whose model file
   carries its own meta (keypoints, sigmas, skeleton, normalisation);
4. run the pipeline (ONNX Runtime, one batched forward per image) on the sample
   images with their bundled person detections, writing annotated images and one
   JSON line per image as it goes;
5. run the real, trained RTMDet-nano person detector (``models/rtmdet-nano-person``, an
   MMDeploy SDK folder) with that pose model on the street video. The pose model was
   trained on 4 images: it is no official checkpoint, and its poses show the pipeline
   working, not RTMPose's accuracy.
"""
from __future__ import annotations

import argparse
import json
import os
import os.path as osp
import time
from typing import Callable, Optional, Sequence

from rtmpose_plugin.build import smoke_runner
from rtmpose_plugin.datasets.samples import default_data_root


def run_pipeline_on_samples(pose_sdk: str, coco_dir: str, out_dir: str,
                            score_thr: float = 0.5) -> dict:
    """The pipeline (ONNX Runtime) on the sample images with their bundled detections."""
    from rtmpose_plugin.inference import PosePipeline, coco_detections, open_pose_model, run
    boxes_for = coco_detections(osp.join(coco_dir, 'test_coco_det_AP_H_56.json'),
                                osp.join(coco_dir, 'test_coco.json'), score_thr)
    pipeline = PosePipeline(open_pose_model(pose_sdk, backend='onnxruntime'), smoothing=None)
    images = osp.join(out_dir, 'images')
    os.makedirs(images, exist_ok=True)
    for info in json.load(open(osp.join(coco_dir, 'test_coco.json')))['images']:
        src = osp.join(coco_dir, info['file_name'])
        if not osp.exists(osp.join(images, info['file_name'])):
            os.symlink(osp.abspath(src), osp.join(images, info['file_name']))
    return run(pipeline, images, osp.join(out_dir, 'vis'), boxes_for=boxes_for,
               progress=False)


def run_street_video(data_root: str, pose_sdk: str, out_dir: str,
                     say: Callable[[str], None]) -> dict:
    """The real RTMDet-nano and the demo's pose model on the street video.

    The real RTMDet-nano (SDK folder in the sample data) + the demo's pose model on
    the street video, detecting every 2nd frame."""
    from rtmpose_plugin.inference import PosePipeline, open_detector, open_pose_model, run
    video = osp.join(data_root, 'video', 'street.mp4')
    detector = osp.join(data_root, 'models', 'rtmdet-nano-person')
    missing = [p for p in (video, detector) if not osp.exists(p)]
    if missing:
        say(f'5/5 street video skipped: {", ".join(missing)} missing from the sample data')
        return dict(skipped=True, missing=missing)
    say('5/5 the real RTMDet-nano person detector + the demo\'s pose model on the street '
        'video. Note: this pose model was trained on 4 images; it is no official '
        'checkpoint, so its poses show the pipeline at work, not RTMPose\'s accuracy')
    pipeline = PosePipeline(open_pose_model(pose_sdk, backend='onnxruntime'),
                            open_detector(detector), det_interval=2,
                            smoothing=dict(min_cutoff=1.0, beta=0.02))
    result = run(pipeline, video, out_dir, progress=False)
    say(f'street video: {result["frames"]} frames, {result["people"]} poses, '
        f'{result["fps"]} frames/s -> {out_dir}/annotated.mp4')
    return result


def main(argv: Optional[Sequence[str]] = None,
         say: Optional[Callable[[str], None]] = None) -> dict:
    """Run the demo; ``say`` receives progress lines (mmengine's logger by default)."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data-root', default=default_data_root(),
                        help='the sample data folder (with coco/)')
    parser.add_argument('--out', default='outputs/demo', help='where everything is written')
    args = parser.parse_args(argv)

    from mmengine.logging import MMLogger

    from rtmpose_plugin.deploy import deploy

    coco_dir = osp.join(args.data_root, 'coco')
    if not osp.isfile(osp.join(coco_dir, 'test_coco.json')):
        raise SystemExit(f'No COCO samples at {coco_dir}: pass --data-root (the folder '
                         'with coco/test_coco.json)')
    out = osp.abspath(args.out)
    if say is None:
        logger = MMLogger.get_instance('rtmpose_plugin.demo')
        say = logger.info
    runner, config, checkpoint = smoke_runner(coco_dir, osp.join(out, 'train'))
    epochs = runner.cfg.train_cfg.max_epochs
    say(f'1/5 training RTMPose-t on the {coco_dir} samples for {epochs} epochs (CPU)')
    t0 = time.perf_counter()
    runner.train()
    train_s = time.perf_counter() - t0
    say('2/5 evaluating on the sample images')
    metrics = runner.test()
    MMLogger.get_current_instance().setLevel('WARNING')
    say('3/5 exporting through MMDeploy to ONNX, as an MMDeploy SDK folder')
    sdk = osp.join(out, 'sdk')
    onnx_path = deploy(config, checkpoint, sdk)['model']
    say('4/5 the pipeline (ONNX Runtime) on the sample images with the bundled detections')
    run = run_pipeline_on_samples(sdk, coco_dir, out)

    street = run_street_video(args.data_root, sdk, osp.join(out, 'street'), say)

    summary = dict(train_seconds=round(train_s, 1), checkpoint=checkpoint, street_video=street,
                   coco_AP=round(float(metrics['coco/AP']), 4), onnx=onnx_path, sdk=sdk, **run,
                   annotated_images=osp.join(out, 'vis'))
    with open(osp.join(out, 'summary.json'), 'w') as f:
        json.dump(summary, f, indent=2)
    say(f'trained {epochs} epochs in {summary["train_seconds"]} s -> {checkpoint}')
    say(f'COCO AP on the 4 sample images: {summary["coco_AP"]:.3f}')
    say(f'SDK folder (ONNX model, MMDeploy meta): {sdk}')
    say(f'{run["people"]} people in {run["frames"]} images, {run["fps"]} images/s through '
        'the pipeline on ONNX Runtime')
    say(f'annotated images: {summary["annotated_images"]}/, results: {run["results"]}')
    say(f'summary: {osp.join(out, "summary.json")}')
    return summary
