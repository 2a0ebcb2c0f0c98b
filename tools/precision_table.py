"""The precision gate's table: every CPU backend and reduced precision, per checkpoint.

    python tools/precision_table.py [--config CONFIG --checkpoint CKPT ...] [--data-root DIR]

For each checkpoint (by default RTMPose-t trained on the COCO samples by the smoke
config, about a minute), each reduced precision exported through the precision gate on
the sample people: the pure model's mean OKS against fp32, the layers the fallback kept in
fp32, the drift of the model kept, and its speed over the pure one's. The markdown table
goes to stdout (docs/deploy.md has it).
"""
import argparse
import os.path as osp
import tempfile
import warnings

warnings.filterwarnings('ignore')

from benchmarks.precision import HEADER, precision_rows  # noqa: E402
from rtmpose_plugin.build import smoke_runner  # noqa: E402
from rtmpose_plugin.datasets.samples import calibration_crops, default_data_root  # noqa: E402

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', action='append', default=[])
    parser.add_argument('--checkpoint', action='append', default=[])
    parser.add_argument('--data-root', default=default_data_root())
    args = parser.parse_args()
    if len(args.config) != len(args.checkpoint):
        parser.error('give a --checkpoint for each --config')
    models = [(osp.basename(c)[:-3] + ' + ' + osp.basename(k), c, k)
              for c, k in zip(args.config, args.checkpoint)]
    if not models:
        work = tempfile.mkdtemp()
        runner, config, checkpoint = smoke_runner(f'{args.data_root}/coco', work)
        runner.train()
        models = [('smoke RTMPose-t', config, checkpoint)]
    rows = []
    for label, config, checkpoint in models:
        from rtmpose_plugin.config import load_config
        size = load_config(config).codec['input_size']
        rows += precision_rows(label, config, checkpoint, calibration_crops(args.data_root, size))
    print(HEADER)
    print('\n'.join(rows))
