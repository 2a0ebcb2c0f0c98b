"""Distributed training on CPU processes (gloo): the compat fix and a real run."""
import os
import re
import socket
import subprocess
import sys

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from rtmpose_plugin.compat.distributed import CPUSyncBatchNorm, convert_sync_bn_for_cpu

from ..conftest import ROOT, shared


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _sync_bn_worker(rank, port, x, grad_out, queue):
    dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{port}', rank=rank,
                            world_size=2)
    torch.manual_seed(0)
    bn = CPUSyncBatchNorm(3)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([1.0, 2.0, 0.5]))
        bn.bias.copy_(torch.tensor([0.1, -0.2, 0.3]))
    part = x[rank * 2:(rank + 1) * 2].clone().requires_grad_()
    y = bn(part)
    y.backward(grad_out[rank * 2:(rank + 1) * 2])
    queue.put((rank, y.detach(), part.grad, bn.running_mean.clone(), bn.running_var.clone()))
    dist.barrier()
    dist.destroy_process_group()


def test_cpu_sync_bn_equals_batch_norm_on_the_whole_batch():
    torch.manual_seed(1)
    x = torch.randn(4, 3, 5, 5) * 3 + 1
    grad_out = torch.randn(4, 3, 5, 5)
    ctx = mp.get_context('spawn')
    queue = ctx.SimpleQueue()
    port = free_port()
    procs = [ctx.Process(target=_sync_bn_worker, args=(r, port, x, grad_out, queue))
             for r in range(2)]
    for p in procs:
        p.start()
    results = sorted(queue.get() for _ in range(2))
    for p in procs:
        p.join(60)
        assert p.exitcode == 0

    ref = torch.nn.BatchNorm2d(3)
    with torch.no_grad():
        ref.weight.copy_(torch.tensor([1.0, 2.0, 0.5]))
        ref.bias.copy_(torch.tensor([0.1, -0.2, 0.3]))
    xr = x.clone().requires_grad_()
    yr = ref(xr)
    yr.backward(grad_out)
    y = torch.cat([r[1] for r in results])
    g = torch.cat([r[2] for r in results])
    torch.testing.assert_close(y, yr.detach(), rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(g, xr.grad, rtol=1e-4, atol=1e-5)
    for r in results:
        torch.testing.assert_close(r[3], ref.running_mean, rtol=1e-5, atol=1e-6)
        torch.testing.assert_close(r[4], ref.running_var, rtol=1e-5, atol=1e-6)


def test_conversion_keeps_parameters_and_mode():
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.SyncBatchNorm(4))
    model[1].running_mean.fill_(0.5)
    model.eval()
    model = convert_sync_bn_for_cpu(model)
    assert isinstance(model[1], CPUSyncBatchNorm) and not model[1].training
    assert torch.all(model[1].running_mean == 0.5)
    # single process, eval: plain batch norm
    out = model(torch.randn(2, 3, 8, 8))
    assert out.shape == (2, 4, 6, 6)


@pytest.mark.slow
def test_two_cpu_processes_train_a_syncbn_config(tmp_path):
    """torchrun, 2 processes, gloo, the smoke config (SyncBN) for a few iterations."""
    work = tmp_path / 'work'
    cmd = [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2',
           '--master_port', str(free_port()), os.path.join(ROOT, 'tools', 'train.py'),
           'rtmpose-t_1xb4-120e_coco-sample-256x192.py', '--launcher', 'pytorch',
           '--work-dir', str(work), '--data-root', shared('coco'), '--cfg-options',
           'train_cfg.max_epochs=2', 'train_cfg.val_interval=2',
           'default_hooks.checkpoint.interval=2']
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore')
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=str(tmp_path),
                          env=env)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert 'Distributed training: True' in out and 'GPU number: 2' in out  # world size 2
    assert re.search(r'\d+ SyncBN layers run as CPUSyncBatchNorm', out)
    # 12 people, batch 4: 3 iterations an epoch on one process, 2 on each of two
    assert 'Epoch(train) [1][2/2]' in out, out[-3000:]
    assert (work / 'epoch_2.pth').is_file()
    assert 'coco/AP' in out
