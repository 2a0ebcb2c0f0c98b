"""Deployed latency: our RTMPose against mmpose's own, exported the same way.

For each size, mmpose's model is built from mmpose's config and its weights copied
into ours (the state dicts are key-for-key equal); both are exported by the same
route (MMDeploy to ONNX; TorchScript + pnnx to ncnn) and timed interleaved in one
process, batch 1: 50 warm-up and 200 timed runs (the paper's protocol) at 1 thread
and all threads, in alternating blocks of 10 runs. Reported: median and p90 latency,
params, FLOPs, achieved GFLOP/s and the ratio ours / mmpose: the median over rounds of
each round's ratio of block medians, with a 95% bootstrap interval.
"""
from __future__ import annotations

import os.path as osp
import statistics
import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .timing import PAUSE

#: (size, input (w, h), our config, mmpose's config of the same model)
CASES = [
    ('t', (192, 256), 'rtmpose-t_8xb256-420e_coco-256x192.py',
     'body_2d_keypoint/rtmpose/coco/rtmpose-t_8xb256-420e_coco-256x192.py'),
    ('s', (192, 256), 'rtmpose-s_8xb256-420e_coco-256x192.py',
     'body_2d_keypoint/rtmpose/coco/rtmpose-s_8xb256-420e_coco-256x192.py'),
    ('m', (192, 256), 'rtmpose-m_8xb256-420e_coco-256x192.py',
     'body_2d_keypoint/rtmpose/coco/rtmpose-m_8xb256-420e_coco-256x192.py'),
    ('l', (192, 256), 'rtmpose-l_8xb256-420e_coco-256x192.py',
     'body_2d_keypoint/rtmpose/coco/rtmpose-l_8xb256-420e_coco-256x192.py'),
    ('m', (288, 384), 'rtmpose-m_8xb256-420e_aic-coco-384x288.py',
     'body_2d_keypoint/rtmpose/coco/rtmpose-m_8xb256-420e_aic-coco-384x288.py'),
]


@dataclass
class Latency:
    case: str
    backend: str
    threads: int
    ours: Tuple[float, float]  # median, p90 in ms
    ref: Tuple[float, float]
    paired: Tuple[float, float, float]  # ratio ours / ref and its 95% interval
    control: Tuple[float, float, float]  # a second copy of ours / ours, the same way
    params: int
    gflops: float

    @property
    def ratio(self) -> float:
        return self.paired[0]

    def row(self) -> str:
        return (f'| {self.case} | {self.backend} | {self.threads} | {_ms(self.ours)} | '
                f'{_ms(self.ref)} | {_interval(self.paired)} | {_interval(self.control)} | '
                f'{self.params / 1e6:.2f} M | {self.gflops:.2f} | '
                f'{_rate(self.gflops, self.ours)} |')


def _interval(r: Tuple[float, float, float]) -> str:
    """'ratio (low-high)'."""
    return f'{r[0]:.3f} ({r[1]:.3f}-{r[2]:.3f})'


def _ms(latency: Tuple[float, float]) -> str:
    """'median / p90' in ms."""
    return f'{latency[0]:.2f} / {latency[1]:.2f}'


def _rate(gflops: float, latency: Tuple[float, float]) -> str:
    """Achieved GFLOP/s at the median latency."""
    return f'{gflops / (latency[0] / 1e3):.1f}'


HEADER = ('| model | backend | threads | ours median / p90 (ms) | mmpose median / p90 (ms) | '
          'ratio ours / mmpose (95%) | A/A: ours / a 2nd copy of ours (95%) | params | '
          'GFLOPs | ours GFLOP/s |\n|---|---|---|---|---|---|---|---|---|---|')


def _mmpose_config(rel: str) -> str:
    from rtmpose_plugin.config import mmpose_config
    return mmpose_config(rel)


def shared_checkpoint(mmpose_config: str, path: str) -> str:
    """Random weights of mmpose's model, saved as a checkpoint both configs load."""
    from rtmpose_plugin.testing import random_checkpoint
    return random_checkpoint(mmpose_config, path)


def _runner(backend: str, path: str, threads: int,
            precision: str = 'fp32') -> Callable[[np.ndarray], object]:
    """The raw network of a model file on a backend (a runtime session), for timing."""
    from rtmpose_plugin.runtime.backends import open_session
    return open_session(path, backend, precision, threads=threads).run



def _interleave(fns: Dict[str, Callable], x: np.ndarray, warmup: int, runs: int,
                block: int, pause: float = PAUSE) -> Dict[str, List[List[float]]]:
    """Each function's run times (ms), block by block.

    Rounds of ``block`` runs of each function in turn, the order reversed every other round.

    Blocks, and a ``pause`` before each: a runtime's worker threads spin for a while
    after its last run and would take a core from the next runtime (what that did to
    the numbers without blocks and pauses: docs/benchmarks.md)."""
    for _ in range(warmup):
        for fn in fns.values():
            fn(x)
    blocks: Dict[str, List[List[float]]] = {k: [] for k in fns}
    order = list(fns.items())
    for i in range(max(1, runs // block)):
        for key, fn in (order if i % 2 == 0 else order[::-1]):
            time.sleep(pause)
            times = []
            for _ in range(block):
                t0 = time.perf_counter()
                fn(x)
                times.append((time.perf_counter() - t0) * 1e3)
            blocks[key].append(times)
    return blocks


def time_interleaved(fns: Dict[str, Callable], x: np.ndarray, warmup: int,
                     runs: int, block: int = 10) -> Dict[str, Tuple[float, float]]:
    """(median, p90) ms of each function, interleaved in blocks.

    (median, p90) ms of each function on ``x``, interleaved in blocks of ``block``
    runs (:func:`_interleave`) so that all see the same machine state."""
    return {k: _median_p90(v) for k, v in _interleave(fns, x, warmup, runs, block).items()}


def _median_p90(blocks: Sequence[Sequence[float]]) -> Tuple[float, float]:
    """(median, p90) of all runs of all blocks."""
    flat = [t for b in blocks for t in b]
    return statistics.median(flat), float(np.percentile(flat, 90))


def paired_ratio(ours: Sequence[Sequence[float]], ref: Sequence[Sequence[float]],
                 resamples: int = 2000, seed: int = 0) -> Tuple[float, float, float]:
    """The ratio ours / ref from paired blocks, with a bootstrap interval.

    Ratio ours / ref from paired blocks (each round's block medians, taken moments
    apart, so that the machine's drift cancels): the median over rounds and a 95%
    bootstrap interval of that median."""
    r = np.array([statistics.median(o) / statistics.median(f) for o, f in zip(ours, ref)])
    rng = np.random.default_rng(seed)
    boot = np.median(r[rng.integers(0, len(r), (resamples, len(r)))], axis=1)
    return float(np.median(r)), float(np.percentile(boot, 2.5)), float(np.percentile(boot, 97.5))


def time_pair(ours: Callable, ref: Callable, x: np.ndarray, warmup: int, runs: int,
              block: int = 10, control: Optional[Callable] = None) -> Dict:
    """Interleaved timing in blocks (:func:`_interleave`).

    ``ours`` and ``ref`` (median, p90) ms and their :func:`paired_ratio`; with ``control``
    (a second copy of ours: another session of the same file), also the ratio control / ours
    in the same rounds, the A/A spread that two copies of one model show on this machine.
    """
    fns = dict(ours=ours, ref=ref, **({} if control is None else dict(control=control)))
    blocks = _interleave(fns, x, warmup, runs, min(block, runs))
    out = dict(ours=_median_p90(blocks['ours']), ref=_median_p90(blocks['ref']),
               ratio=paired_ratio(blocks['ours'], blocks['ref']))
    if control is not None:
        out['control'] = paired_ratio(blocks['control'], blocks['ours'])
    return out


def run_case(case: Tuple, work_dir: str, backends: Sequence[str], threads: Sequence[int],
             warmup: int = 50, runs: int = 200) -> List[Latency]:
    """Export ours and mmpose's model of one case and time them on each backend."""
    import os

    from rtmpose_plugin.analysis import complexity
    from rtmpose_plugin.deploy.export import export_torchscript, to_ncnn
    from rtmpose_plugin.config import find_config
    from rtmpose_plugin.deploy.onnx import export_onnx
    size, input_size, ours_cfg, ref_rel = case
    ours_cfg, ref_cfg = find_config(ours_cfg), _mmpose_config(ref_rel)
    name = f'RTMPose-{size} {input_size[1]}x{input_size[0]}'
    work = osp.join(work_dir, f'{size}_{input_size[1]}x{input_size[0]}')
    ckpt = shared_checkpoint(ref_cfg, osp.join(work, 'shared.pth'))
    params, gflops = complexity(ours_cfg)
    x = np.random.default_rng(0).standard_normal((1, 3, input_size[1], input_size[0]),
                                                 dtype=np.float32)
    results = []
    for backend in backends:
        runners = {}
        for who, cfg in (('ours', ours_cfg), ('ref', ref_cfg)):
            out = osp.join(work, backend, who)
            os.makedirs(out, exist_ok=True)
            if backend == 'onnxruntime':
                runners[who] = export_onnx(cfg, ckpt, out, input_size=input_size)
            else:
                ts = export_torchscript(cfg, ckpt, osp.join(out, 'end2end.pt'), input_size)
                runners[who] = to_ncnn(ts, out, input_size, fp16=False)['param']
        for n in threads:
            runners['control'] = runners['ours']  # a second session of our model
            fns = {k: _runner(backend, v, n) for k, v in runners.items()}
            t = time_pair(fns['ours'], fns['ref'], x, warmup, runs, control=fns['control'])
            results.append(Latency(name, backend, n, t['ours'], t['ref'], t['ratio'],
                                   t['control'], params, gflops))
    return results


#: the CPU variants of :func:`run_cpu_case`, ONNX Runtime fp32 (the baseline) first
CPU_VARIANTS = [('onnxruntime', 'fp32'), ('onnxruntime', 'int8'), ('openvino', 'fp32'),
                ('openvino', 'bf16'), ('openvino', 'int8')]


@dataclass
class CpuLatency:
    case: str
    backend: str
    precision: str
    threads: int
    latency: Tuple[float, float]  # median, p90 in ms
    baseline: float  # ONNX Runtime fp32 median, same run
    gflops: float

    def row(self) -> str:
        return (f'| {self.case} | {self.threads} | {self.backend} {self.precision} | '
                f'{_ms(self.latency)} | {self.baseline / self.latency[0]:.2f}x | '
                f'{_rate(self.gflops, self.latency)} |')


CPU_HEADER = ('| model | threads | backend | median / p90 (ms) | speed-up vs ONNX Runtime fp32 | '
              'GFLOP/s |\n|---|---|---|---|---|---|')


def run_cpu_case(case: Tuple, work_dir: str, threads: Sequence[int], calibration: np.ndarray,
                 warmup: int = 50, runs: int = 200,
                 variants: Sequence[Tuple[str, str]] = CPU_VARIANTS) -> List[CpuLatency]:
    """Our model of one case on each CPU backend and precision, one export, interleaved.

    Weights are random (latency does not depend on them); INT8 is calibrated on
    ``calibration`` crops all the same, as a user would.
    """
    from rtmpose_plugin.analysis import complexity
    from rtmpose_plugin.config import find_config
    from rtmpose_plugin.deploy.export import quantize_int8
    from rtmpose_plugin.deploy.embed import embed_meta
    from rtmpose_plugin.runtime.meta import pose_meta_from_config
    from rtmpose_plugin.deploy.onnx import export_onnx
    from rtmpose_plugin.deploy.openvino import to_openvino
    from rtmpose_plugin.runtime.cpu import capabilities_allow
    from mmengine.config import Config
    size, input_size, ours_cfg, ref_rel = case
    name = f'RTMPose-{size} {input_size[1]}x{input_size[0]}'
    work = osp.join(work_dir, f'cpu_{size}_{input_size[1]}x{input_size[0]}')
    ckpt = shared_checkpoint(_mmpose_config(ref_rel), osp.join(work, 'shared.pth'))
    ours_cfg = find_config(ours_cfg)
    _, gflops = complexity(ours_cfg)
    onnx_path = export_onnx(ours_cfg, ckpt, work, input_size=input_size)
    embed_meta(onnx_path, pose_meta_from_config(Config.fromfile(ours_cfg)))
    variants = [v for v in variants if capabilities_allow(*v)]
    paths = {}
    for backend, precision in variants:
        if (backend, precision) == ('onnxruntime', 'int8'):
            paths[backend, precision] = quantize_int8(
                onnx_path, osp.join(work, 'end2end_int8.onnx'), calibration)
        elif (backend, precision) == ('openvino', 'int8'):
            paths[backend, precision] = to_openvino(
                onnx_path, osp.join(work, 'openvino', 'end2end_int8.xml'), 'int8', calibration)
        else:
            paths[backend, precision] = onnx_path
    x = np.random.default_rng(0).standard_normal((1, 3, input_size[1], input_size[0]),
                                                 dtype=np.float32)
    results = []
    for n in threads:
        fns = {}
        for (backend, precision), path in paths.items():
            fns[backend, precision] = _runner(backend, path, n, precision)
        stats = time_interleaved(fns, x, warmup, runs, block=min(20, runs))
        base = stats['onnxruntime', 'fp32'][0]
        results += [CpuLatency(name, b, p, n, stats[b, p], base, gflops) for b, p in stats]
    return results
