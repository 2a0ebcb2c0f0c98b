"""Deployed latency of RTMPose t/s/m/l (256x192) and m (384x288): ours against mmpose's
own model exported the same way, batch 1, 50 warm-up + 200 timed runs, 1 thread and
all threads, per backend.

    python tools/benchmark.py [--backends onnxruntime ncnn] [--threads 1 2] [--quick]
"""
import argparse
import os
import tempfile
import warnings

warnings.filterwarnings('ignore')

from rtmpose_plugin.benchmark.deployment import CASES, HEADER, run_case  # noqa: E402

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--backends', nargs='+', default=['onnxruntime', 'ncnn'])
    parser.add_argument('--threads', type=int, nargs='+', default=[1, os.cpu_count()])
    parser.add_argument('--sizes', nargs='+', default=None, help='e.g. t m; default all')
    parser.add_argument('--quick', action='store_true', help='5 warm-up and 20 runs')
    args = parser.parse_args()
    warmup, runs = (5, 20) if args.quick else (50, 200)
    print(f'batch 1, {warmup} warm-up + {runs} timed runs, cpu_count {os.cpu_count()}')
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for case in CASES:
            if args.sizes and case[0] not in args.sizes:
                continue
            for result in run_case(case, tmp, args.backends, args.threads, warmup, runs):
                print(result.row(), flush=True)
