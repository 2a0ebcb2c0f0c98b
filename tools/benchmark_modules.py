"""Our SimCC codec and RTMCC head against mmpose's, side by side in one process.

    python tools/benchmark_modules.py [--threads N]

Prints a Markdown table of median times and ratios (ours / mmpose).
"""
import argparse
import platform

import torch

from benchmarks.modules import run_all
from benchmarks.timing import HEADER

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--threads', type=int, default=0, help='torch threads (0: default)')
    parser.add_argument('--quick', action='store_true', help='few repeats, for a smoke run')
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, {platform.processor()}')
    print(HEADER)
    for result in run_all(quick=args.quick):
        print(result.row(), flush=True)
