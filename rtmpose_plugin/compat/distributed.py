"""Distributed training on CPU processes (gloo), which mmengine 0.10.7 cannot start.

Upstream problems, each met by ``torch.distributed`` launchers on a machine
without CUDA (``--launcher pytorch``):

1. ``mmengine.dist.utils._init_dist_pytorch`` calls ``torch.cuda.set_device``
   before ``init_process_group``: "Torch not compiled with CUDA enabled".
2. ``Runner.wrap_model`` wraps the model in DDP with ``device_ids=[LOCAL_RANK]``,
   which torch refuses for a CPU module.
3. ``torch.nn.SyncBatchNorm`` runs only on accelerators, and the RTMPose configs
   use SyncBN.

Fix: on CPU only, the process group starts without ``set_device`` (gloo for an
``nccl`` request), DDP gets ``device_ids=None``, and SyncBN layers become
:class:`CPUSyncBatchNorm`, which all-reduces batch statistics over the process
group with autograd-aware collectives (the same statistics as SyncBN).
"""
from __future__ import annotations

import inspect
import warnings
from typing import Any

import torch
import torch.distributed as dist
from torch import nn


class CPUSyncBatchNorm(nn.modules.batchnorm._BatchNorm):
    """Batch norm synchronised across processes for CPU tensors (gloo).

    Batch norm whose training statistics span every process of the default
    group, for CPU tensors (gloo). Outside training, or in a single process, it
    is plain batch norm. Shape: (N, C, ...) -> same."""

    def _check_input_dim(self, x: torch.Tensor) -> None:
        if x.dim() < 2:
            raise ValueError(f'expected at least 2-D input, got {x.dim()}-D')

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._check_input_dim(x)
        distributed = dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1
        if not (self.training and distributed):
            return super().forward(x)
        c = x.shape[1]
        dims = [0] + list(range(2, x.dim()))
        count = x.new_full((1, ), x.numel() / c)
        stats = _all_reduce_with_grad(torch.cat([x.sum(dims), (x * x).sum(dims), count]))
        total = stats[-1]
        mean = stats[:c] / total
        var = (stats[c:2 * c] / total - mean * mean).clamp(min=0)
        if self.track_running_stats:
            with torch.no_grad():
                self.num_batches_tracked += 1
                momentum = self.momentum if self.momentum is not None else \
                    1.0 / float(self.num_batches_tracked)
                unbiased = var * total / (total - 1).clamp(min=1)
                self.running_mean.mul_(1 - momentum).add_(mean.detach() * momentum)
                self.running_var.mul_(1 - momentum).add_(unbiased.detach() * momentum)
        shape = (1, c) + (1, ) * (x.dim() - 2)
        y = (x - mean.view(shape)) * torch.rsqrt(var.view(shape) + self.eps)
        if self.affine:
            y = y * self.weight.view(shape) + self.bias.view(shape)
        return y


def _all_reduce_with_grad(t: torch.Tensor) -> torch.Tensor:
    """Sum over processes, differentiable (the gradient is summed back too)."""
    # torch 2.13 deprecates torch.distributed.nn.functional in favour of
    # _functional_collectives, whose all_reduce has no backward: keep this one.
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', FutureWarning)
        from torch.distributed.nn.functional import all_reduce
        return all_reduce(t)


def convert_sync_bn_for_cpu(module: nn.Module) -> nn.Module:
    """Replace every ``nn.SyncBatchNorm`` with a :class:`CPUSyncBatchNorm`.

    Replace every ``nn.SyncBatchNorm`` in ``module`` by a :class:`CPUSyncBatchNorm`
    with the same parameters and buffers."""
    if isinstance(module, nn.SyncBatchNorm):
        new = CPUSyncBatchNorm(module.num_features, module.eps, module.momentum, module.affine,
                               module.track_running_stats)
        new.load_state_dict(module.state_dict())
        new.train(module.training)
        return new
    for name, child in module.named_children():
        setattr(module, name, convert_sync_bn_for_cpu(child))
    return module


def needs_fix() -> bool:
    """True where mmengine's launcher and wrapper assume CUDA and none is there."""
    if torch.cuda.is_available():
        return False
    from mmengine.dist import utils
    from mmengine.runner import Runner
    return ('torch.cuda.set_device(local_rank)' in inspect.getsource(utils._init_dist_pytorch)
            and "device_ids=[int(os.environ['LOCAL_RANK'])]" in inspect.getsource(
                Runner.wrap_model))


def apply() -> bool:
    if not needs_fix():
        return False
    from mmengine.dist import utils
    from mmengine.model import MMDistributedDataParallel, is_model_wrapper
    from mmengine.runner import Runner

    original_init = utils._init_dist_pytorch

    def _init_dist_pytorch(backend: str, init_backend: str = 'torch', **kwargs: Any) -> None:
        if torch.cuda.is_available() or init_backend != 'torch':
            return original_init(backend, init_backend=init_backend, **kwargs)
        dist.init_process_group(backend='gloo' if backend == 'nccl' else backend, **kwargs)

    original_wrap = Runner.wrap_model

    def wrap_model(self, model_wrapper_cfg, model):
        if not self.distributed or is_model_wrapper(model) or torch.cuda.is_available():
            return original_wrap(self, model_wrapper_cfg, model)
        n_sync = sum(isinstance(m, nn.SyncBatchNorm) for m in model.modules())
        model = convert_sync_bn_for_cpu(model)
        self.logger.info(f'CPU processes: {n_sync} SyncBN layers run as CPUSyncBatchNorm '
                         '(statistics all-reduced over gloo); DDP without device_ids')
        cfg = dict(model_wrapper_cfg or {})
        cfg.pop('type', None)
        cfg.setdefault('broadcast_buffers', False)
        cfg.setdefault('find_unused_parameters', self.cfg.get('find_unused_parameters', False))
        return MMDistributedDataParallel(module=model, device_ids=None, **cfg)

    wrap_model.__doc__ = original_wrap.__doc__
    utils._init_dist_pytorch = _init_dist_pytorch
    Runner.wrap_model = wrap_model
    return True
