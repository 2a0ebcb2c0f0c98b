"""Training throughput: our RTMPose-t recipe against mmpose's RTMPose-t recipe, one process.

    python tools/benchmark_training.py [--samples ../shared/data] [--workers 0 2]

Prints samples/s (data pipeline included) and the ratio ours / mmpose per worker count.
"""
import argparse
import os
import warnings

warnings.filterwarnings('ignore')
os.environ.setdefault('NO_ALBUMENTATIONS_UPDATE', '1')

from benchmarks.training import HEADER, measure  # noqa: E402
from rtmpose_plugin.datasets.samples import default_data_root  # noqa: E402

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--samples', default=default_data_root(), help='the sample data folder')
    parser.add_argument('--workers', type=int, nargs='+', default=[0, 2])
    parser.add_argument('--batch', type=int, default=32)
    parser.add_argument('--steps', type=int, default=8, help='timed steps per recipe')
    args = parser.parse_args()
    import torch
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, batch {args.batch}')
    print(HEADER)
    for workers in args.workers:
        print(measure(args.samples, workers, args.batch, args.steps).row(), flush=True)
