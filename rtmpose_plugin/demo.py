"""The main job on its embedded default (``make demo``): CPU, bundled samples, no download.

1. train RTMPose-t from scratch on the COCO sample images (the smoke config);
2. evaluate it (COCO AP on those images);
3. export it through MMDeploy to ONNX;
4. run the pipeline (ONNX Runtime, one batched forward per image) on the sample
   images with their bundled person detections, writing annotated images and one
   JSON line per image as it goes;
5. say what it did and where.
"""
from __future__ import annotations

import argparse
import json
import os
import os.path as osp
import time
from typing import Callable, List, Optional, Sequence


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


def run_pipeline_on_samples(onnx_path: str, coco_dir: str, out_dir: str,
                            score_thr: float = 0.5) -> dict:
    """The pipeline (ONNX Runtime) on the sample images with their bundled detections."""
    from .deploy import OnnxPoseModel
    from .inference import PosePipeline, coco_detections, run
    boxes_for = coco_detections(osp.join(coco_dir, 'test_coco_det_AP_H_56.json'),
                                osp.join(coco_dir, 'test_coco.json'), score_thr)
    pipeline = PosePipeline(OnnxPoseModel(onnx_path), smoothing=None)
    images = osp.join(out_dir, 'images')
    os.makedirs(images, exist_ok=True)
    import json as _json
    for info in _json.load(open(osp.join(coco_dir, 'test_coco.json')))['images']:
        src = osp.join(coco_dir, info['file_name'])
        if not osp.exists(osp.join(images, info['file_name'])):
            os.symlink(osp.abspath(src), osp.join(images, info['file_name']))
    summary = run(pipeline, images, osp.join(out_dir, 'vis'), skeleton=coco_skeleton(),
                  boxes_for=boxes_for, progress=False)
    return summary


def smoke_runner(coco_dir: str, work_dir: str):
    """(runner, config path, final checkpoint path) of the smoke config (RTMPose-t on
    the COCO samples), quiet, validating and saving once at the end."""
    from mmengine.config import Config
    from mmengine.runner import Runner

    import rtmpose_plugin  # noqa: F401
    from .apis.runner import find_config, replace_data_root
    config = find_config(SMOKE_CONFIG)
    cfg = replace_data_root(Config.fromfile(config), coco_dir)
    cfg.work_dir = work_dir
    epochs = cfg.train_cfg.max_epochs  # the schedule is computed for it: not overridden
    cfg.train_cfg.val_interval = epochs
    cfg.default_hooks.checkpoint.interval = epochs
    cfg.default_hooks.logger.interval = 10
    cfg.log_level = 'WARNING'
    return Runner.from_cfg(cfg), config, osp.join(work_dir, f'epoch_{epochs}.pth')


def _official(name: str, given: Optional[str]) -> Optional[str]:
    """A local official checkpoint: the one given, else one already in the cache."""
    from .compat.checkpoint import checkpoint_cache_dir
    from .inference.models import official_url
    if given:
        return given if osp.isfile(given) else None
    cached = osp.join(checkpoint_cache_dir(), osp.basename(official_url(name)))
    return cached if osp.isfile(cached) else None


def run_street_video(args, out_dir: str, say: Callable[[str], None]) -> dict:
    """RTMDet-nano + RTMPose-m (official checkpoints) on the street video, when they
    are on this machine; nothing is downloaded."""
    video = osp.join(args.data_root, 'video', 'street.mp4')
    det_ckpt = _official('rtmdet-nano', args.det_checkpoint)
    pose_ckpt = _official('rtmpose-m', args.pose_checkpoint)
    if not (det_ckpt and pose_ckpt and osp.isfile(video)):
        say('5/5 street video skipped: the official RTMDet-nano and RTMPose-m checkpoints are '
            'not on this machine (pass --det-checkpoint/--pose-checkpoint, or put them in the '
            'torch hub checkpoints folder); nothing was downloaded')
        return dict(skipped=True)
    from .inference import PosePipeline, run
    from .inference.cli import build_detector, build_pose_model
    say('5/5 RTMDet-nano + RTMPose-m on the street video, detecting every 5th frame')
    pipeline = PosePipeline(build_pose_model('rtmpose-m', pose_ckpt, 'onnxruntime', 0),
                            build_detector('rtmdet-nano', det_ckpt, 320, 0), det_interval=5,
                            smoothing=dict(min_cutoff=1.0, beta=0.02))
    result = run(pipeline, video, out_dir, skeleton=coco_skeleton(), progress=False)
    say(f'street video: {result["frames"]} frames, {result["people"]} poses, '
        f'{result["fps"]} frames/s -> {out_dir}')
    return result


def main(argv: Optional[Sequence[str]] = None,
         say: Optional[Callable[[str], None]] = None) -> dict:
    """Run the demo; ``say`` receives progress lines (mmengine's logger by default)."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data-root', default=default_data_root(),
                        help='the sample data folder (with coco/)')
    parser.add_argument('--out', default='outputs/demo', help='where everything is written')
    parser.add_argument('--det-checkpoint', help='official RTMDet-nano checkpoint (local path)')
    parser.add_argument('--pose-checkpoint', help='official RTMPose-m checkpoint (local path)')
    args = parser.parse_args(argv)

    from mmengine.logging import MMLogger

    from .deploy import export_onnx

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
    say('3/5 exporting through MMDeploy to ONNX')
    onnx_path = export_onnx(config, checkpoint, osp.join(out, 'onnx'))
    say('4/5 the pipeline (ONNX Runtime) on the sample images with the bundled detections')
    run = run_pipeline_on_samples(onnx_path, coco_dir, out)

    street = run_street_video(args, osp.join(out, 'street'), say)

    summary = dict(train_seconds=round(train_s, 1), checkpoint=checkpoint, street_video=street,
                   coco_AP=round(float(metrics['coco/AP']), 4), onnx=onnx_path, **run,
                   annotated_images=osp.join(out, 'vis'))
    with open(osp.join(out, 'summary.json'), 'w') as f:
        json.dump(summary, f, indent=2)
    say(f'trained {epochs} epochs in {summary["train_seconds"]} s -> {checkpoint}')
    say(f'COCO AP on the 4 sample images: {summary["coco_AP"]:.3f}')
    say(f'ONNX model: {onnx_path}')
    say(f'{run["people"]} people in {run["frames"]} images, {run["fps"]} images/s through '
        'the pipeline on ONNX Runtime')
    say(f'annotated images: {summary["annotated_images"]}/, results: {run["results"]}')
    say(f'summary: {osp.join(out, "summary.json")}')
    return summary
