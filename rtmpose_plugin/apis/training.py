"""Training and testing entry points.

Training and testing entry points behind ``tools/train.py`` / ``tools/test.py``
(and so behind ``mim train rtmpose_plugin`` / ``mim test rtmpose_plugin``).

The logic lives here so that it is tested; the scripts only parse arguments.
"""
from __future__ import annotations

import argparse
import os
import os.path as osp
from typing import Any, List, Optional, Sequence

from mmengine.config import Config, DictAction

from ..config import find_config, replace_data_root


def _common_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('config', help='config file, or the file name of one of ours')
    parser.add_argument('--work-dir', help='where logs and checkpoints go')
    parser.add_argument('--data-root',
                        help='dataset folder replacing the config\'s data_root everywhere')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config entries, key=value (xxx.yyy=1)')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher for distributed runs')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def config_from_args(args: argparse.Namespace) -> Config:
    cfg = Config.fromfile(find_config(args.config))
    if args.data_root:
        cfg = replace_data_root(cfg, args.data_root)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    cfg.launcher = args.launcher
    if args.work_dir:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('work_dirs', osp.splitext(osp.basename(args.config))[0])
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return cfg


def train(argv: Optional[Sequence[str]] = None) -> Any:
    """``tools/train.py``: train a model with mmengine's Runner."""
    parser = argparse.ArgumentParser(description='Train an RTMPose model')
    _common_args(parser)
    parser.add_argument('--resume', nargs='?', const='auto', default=None,
                        help='resume from this checkpoint, or from the latest one in '
                        'the work dir when given without a path')
    parser.add_argument('--amp', action='store_true', help='mixed precision training')
    parser.add_argument('--no-validate', action='store_true',
                        help='skip validation during training')
    args = parser.parse_args(argv)
    cfg = config_from_args(args)
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, resume_checkpoint(cfg.work_dir)
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    return _refusals_in_one_line(lambda: _build_runner(cfg).train())


def resume_checkpoint(work_dir: str) -> Optional[str]:
    """The newest checkpoint in a work dir that loads, or None.

    The newest checkpoint in ``work_dir`` that loads (``epoch_N`` / ``iter_N``, by
    number), or None (a fresh start). One that does not load (a run killed while saving,
    a corrupt file) is skipped, and the log says which and why."""
    import re

    from mmengine.logging import MMLogger

    from ..compat.checkpoint import load_checkpoint_file
    found = []
    for name in os.listdir(work_dir) if osp.isdir(work_dir) else []:
        m = re.fullmatch(r'(epoch|iter)_(\d+)\.pth', name)
        if m:
            found.append((int(m.group(2)), osp.join(work_dir, name)))
    logger = MMLogger.get_current_instance()
    for _, path in sorted(found, reverse=True):
        try:
            load_checkpoint_file(path, map_location='cpu')
        except Exception as e:  # a truncated zip, a bad pickle, an untrusted global
            logger.warning(f'--resume: skipped {osp.basename(path)}: it does not load '
                           f'({type(e).__name__}: {str(e).splitlines()[0][:200]})')
            continue
        logger.info(f'--resume: from {osp.basename(path)}')
        return path
    return None


def _refusals_in_one_line(job):
    """Run ``job``.

    A refused checkpoint (an untrusted pickle global) ends the command with its one-line
    message instead of a traceback.
    """
    from ..compat.checkpoint import UntrustedCheckpointError
    try:
        return job()
    except UntrustedCheckpointError as e:
        raise SystemExit(f'error: {e}') from None


def test(argv: Optional[Sequence[str]] = None) -> Any:
    """``tools/test.py``: evaluate a checkpoint with the config's test metric."""
    parser = argparse.ArgumentParser(description='Test an RTMPose model')
    _common_args(parser)
    parser.add_argument('checkpoint', help='checkpoint file or URL')
    parser.add_argument('--out', help='dump the metrics to this JSON/pickle file')
    args = parser.parse_args(argv)
    cfg = config_from_args(args)
    cfg.load_from = args.checkpoint
    if args.out:
        cfg.test_evaluator = _with_dump(cfg.test_evaluator, args.out)
    return _refusals_in_one_line(lambda: _build_runner(cfg).test())


def _with_dump(evaluator: Any, out: str) -> List[Any]:
    evaluators = list(evaluator) if isinstance(evaluator, (list, tuple)) else [evaluator]
    return evaluators + [dict(type='DumpResults', out_file_path=out)]


def _build_runner(cfg: Config):
    from ..build import register
    register()  # our modules and the stack fixes in this process
    from mmengine.registry import RUNNERS
    from mmengine.runner import Runner
    if 'runner_type' in cfg:
        return RUNNERS.build(cfg)
    return Runner.from_cfg(cfg)
