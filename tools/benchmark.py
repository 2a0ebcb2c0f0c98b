"""Deployed latency of RTMPose t/s/m/l, batch 1, the paper's protocol.

Deployed latency of RTMPose t/s/m/l (256x192) and m (384x288), batch 1, 50 warm-up +
200 timed runs (the paper's protocol), 1 thread and all threads.

Two tables, each timed interleaved in one process:

- ours against mmpose's own model exported the same way, per backend (ratio ours /
  mmpose);
- ``--cpu``: our model on every CPU backend and precision (ONNX Runtime fp32 and INT8,
  OpenVINO f32, bf16 and INT8), with the speed-up over ONNX Runtime fp32.

    python tools/benchmark.py [--backends onnxruntime ncnn] [--threads 1 2] [--quick]
    python tools/benchmark.py --cpu [--sizes t s m l] [--threads 1 2]
"""
import argparse
import os
import tempfile
import warnings

warnings.filterwarnings('ignore')

from benchmarks.deployment import (CASES, CPU_HEADER, HEADER,  # noqa: E402
                                                 run_case, run_cpu_case)

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--backends', nargs='+', default=['onnxruntime', 'ncnn'])
    parser.add_argument('--threads', type=int, nargs='+', default=[1, os.cpu_count()])
    parser.add_argument('--sizes', nargs='+', default=None, help='e.g. t m; default all')
    parser.add_argument('--cpu', action='store_true',
                        help='CPU backends and precisions of our model (256x192 cases)')
    parser.add_argument('--data-root', default=None,
                        help='sample data for INT8 calibration (default ../shared/data)')
    parser.add_argument('--quick', action='store_true', help='5 warm-up and 20 runs')
    args = parser.parse_args()
    warmup, runs = (5, 20) if args.quick else (50, 200)
    print(f'batch 1, {warmup} warm-up + {runs} timed runs, cpu_count {os.cpu_count()}')
    cases = [c for c in CASES if not args.sizes or c[0] in args.sizes]
    with tempfile.TemporaryDirectory() as tmp:
        if args.cpu:
            from rtmpose_plugin.datasets.samples import default_data_root
            from rtmpose_plugin.datasets.samples import calibration_crops
            calibration = calibration_crops(args.data_root or default_data_root(), (192, 256))
            print(CPU_HEADER, flush=True)
            for case in cases:
                if case[1] != (192, 256):
                    continue
                for result in run_cpu_case(case, tmp, args.threads, calibration, warmup, runs):
                    print(result.row(), flush=True)
        else:
            print(HEADER, flush=True)
            for case in cases:
                for result in run_case(case, tmp, args.backends, args.threads, warmup, runs):
                    print(result.row(), flush=True)
