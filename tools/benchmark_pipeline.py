"""The pipeline: quality on a generated 6-person video (ID switches, jitter with and without
One-Euro, error with detection every frame vs every 5th) and speed against rtmlib.

    python tools/benchmark_pipeline.py [--pose SDK_DIR_OR_ONNX]
    python tools/benchmark_pipeline.py --cpu-backends [--threads 1 2]
    python tools/benchmark_pipeline.py --before REV [--threads 1 2]

Without --pose, an RTMPose-t with random weights is exported (speed does not depend on them).
--cpu-backends: RTMDet-nano + RTMPose-m (random weights), detection every 5th frame, at
1 and 6 people: frames/s on ONNX Runtime fp32 against OpenVINO bf16 and INT8.
--before REV: the same pipeline (ONNX Runtime fp32, the real RTMDet-nano) as this checkout
builds it against commit REV's code, in one process, with an A/A row.
"""
import argparse
import os.path as osp
import tempfile
import warnings

warnings.filterwarnings('ignore')

from rtmpose_plugin.benchmark.pipeline import quality, speed  # noqa: E402
from rtmpose_plugin.benchmark.synthetic import make_scene  # noqa: E402
from rtmpose_plugin.runtime.cpu import pick_cpu_backend  # noqa: E402

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--pose', help='an exported RTMPose (256x192): SDK folder or .onnx')
    parser.add_argument('--people', type=int, default=6)
    parser.add_argument('--cpu-backends', action='store_true',
                        help='only the CPU backends table (RTMDet-nano + RTMPose-m, K = 5)')
    parser.add_argument('--threads', type=int, nargs='+', default=[1, 0],
                        help='for --cpu-backends and --before (0: all cores)')
    parser.add_argument('--before', metavar='REV',
                        help='only the before/after table against commit REV')
    args = parser.parse_args()
    if args.before:
        import subprocess

        from rtmpose_plugin.benchmark.pipeline import BEFORE_AFTER_HEADER, before_after_rows
        with tempfile.TemporaryDirectory() as old:
            subprocess.run(f'git archive {args.before} rtmpose_plugin | tar -x -C {old}',
                           shell=True, check=True)
            print(f'RTMDet-nano 320 (real) + RTMPose-m 256x192 (random weights), ONNX Runtime '
                  f'fp32, detection every 5th frame, 60 frames, frames/s over 5 passes; '
                  f'before = {args.before}')
            print(BEFORE_AFTER_HEADER, flush=True)
            for row in before_after_rows(osp.join(old, 'rtmpose_plugin'),
                                         threads=args.threads):
                print(row, flush=True)
        raise SystemExit(0)
    if args.cpu_backends:
        from rtmpose_plugin.benchmark.pipeline import CPU_BACKENDS_HEADER, cpu_backends_rows
        print('RTMDet-nano 320 + RTMPose-m 256x192, detection every 5th frame, 60 frames, '
              'frames/s (median of 2 passes after a warm-up, interleaved)')
        print(CPU_BACKENDS_HEADER, flush=True)
        for row in cpu_backends_rows(args.threads):
            print(row, flush=True)
        raise SystemExit(0)
    scene = make_scene(people=args.people)
    print(f'quality: {args.people} people, {len(scene.frames)} frames, dot "pose model" with '
          '1.5 px jitter, true boxes')
    print('| detect every | re-detect when derived boxes overlap (IoU) | One-Euro | ID switches | '
          'jitter (px/frame^2) | error (px) | matched | frames detected |')
    print('|---|---|---|---|---|---|---|---|')
    for r in quality(scene):
        print(f"| {r['det_interval']} | {r['redetect_iou'] or '-'} | "
              f"{'on' if r['one_euro'] else 'off'} | {r['id_switches']:.0f} | "
              f"{r['jitter']:.2f} | {r['error']:.2f} | {r['matched']:.2f} | "
              f"{r['detections']:.0f} / {len(scene.frames)} |", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        onnx = args.pose
        if onnx is None:
            from rtmpose_plugin.benchmark.deployment import (CASES, _mmpose_config,
                                                             shared_checkpoint)
            from rtmpose_plugin.deploy import deploy
            size, inp, ours_cfg, ref = CASES[0]
            ckpt = shared_checkpoint(_mmpose_config(ref), osp.join(tmp, 't.pth'))
            onnx = osp.join(tmp, 'sdk')
            deploy(ours_cfg, ckpt, onnx)
        print(f'\nspeed: {args.people} people, RTMPose-t, frames/s over 4 passes after a '
              'warm-up one, interleaved in blocks of 10 frames')
        print('| backend | detect every | ours, batched | ours, one crop at a time | rtmlib | '
              'ours / rtmlib |\n|---|---|---|---|---|---|')
        for backend in ('onnxruntime', 'openvino'):
            for k in (1, 5):
                s = speed(onnx, scene, k, repeats=4, backend=backend)
                print(f"| {backend} {s['precision']} | {k} | {s['batched']:.1f} | "
                      f"{s['one_by_one']:.1f} | {s['rtmlib']:.1f} | "
                      f"{s['ratio_vs_rtmlib']:.2f} |", flush=True)
        # defaults against defaults: what tools/pose.py picks by itself (no calibration
        # data) against rtmlib's default backend, ONNX Runtime; same ONNX file
        choice = pick_cpu_backend()
        if choice.backend != 'onnxruntime':
            for k in (1, 5):
                s = speed(onnx, scene, k, repeats=4, backend='onnxruntime',
                          ours=(choice.backend, choice.precision))
                print(f"| ours {s['backend']} {s['precision']} (its automatic choice), rtmlib "
                      f"onnxruntime (its default) | {k} | {s['batched']:.1f} | "
                      f"{s['one_by_one']:.1f} | {s['rtmlib']:.1f} | "
                      f"{s['ratio_vs_rtmlib']:.2f} |", flush=True)
