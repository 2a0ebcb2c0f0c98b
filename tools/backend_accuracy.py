"""The accuracy cost of each CPU backend and precision.

The accuracy cost of each CPU backend and precision (PyTorch, ONNX Runtime fp32 /
fp16 / INT8, OpenVINO f32 / bf16 / INT8): keypoint deviation from PyTorch fp32, COCO AP
on the COCO samples, and latency per crop, for one trained checkpoint.

    python tools/backend_accuracy.py [--config CONFIG --checkpoint CKPT] [--data-root DIR]

Without a checkpoint, RTMPose-t is first trained on the COCO samples by the smoke
config (about a minute), as `make demo` does.
"""
import argparse
import os.path as osp
import tempfile
import warnings

warnings.filterwarnings('ignore')

from benchmarks.accuracy import HEADER, accuracy_table  # noqa: E402
from rtmpose_plugin.build import smoke_runner  # noqa: E402
from rtmpose_plugin.datasets.samples import default_data_root  # noqa: E402

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config')
    parser.add_argument('--checkpoint')
    parser.add_argument('--data-root', default=default_data_root())
    parser.add_argument('--threads', type=int, default=1, help='for the latency column')
    args = parser.parse_args()
    if bool(args.config) != bool(args.checkpoint):
        parser.error('give --config and --checkpoint together')
    with tempfile.TemporaryDirectory() as tmp:
        config, checkpoint = args.config, args.checkpoint
        if checkpoint is None:
            print('training RTMPose-t on the COCO samples (smoke config)...', flush=True)
            runner, config, checkpoint = smoke_runner(osp.join(args.data_root, 'coco'),
                                                      osp.join(tmp, 'train'))
            runner.train()
        rows = accuracy_table(config, checkpoint, args.data_root, tmp, threads=args.threads)
        print(f'{len(rows)} variants; deviation from PyTorch fp32 in model-input pixels on '
              'the COCO sample people (ground-truth boxes); INT8 calibrated on AIC + '
              'CrowdPose samples')
        print(HEADER)
        for r in rows:
            print(r.row(), flush=True)
