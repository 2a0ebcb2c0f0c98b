"""``auto`` by measurement: the fastest CPU backend and precision that passes the gate.

The CPU flags (:func:`rtmpose_plugin.runtime.cpu.pick_cpu_backend`) are the prior: what
is fastest differs between CPUs that have the same flags (on one AMX Xeon OpenVINO INT8
is no faster than bf16; on an AMD EPYC it is 1.3-1.4x). :func:`measure_choice` runs each
candidate (ONNX Runtime fp32; OpenVINO fp32, bf16 where the CPU has it, INT8 where there
is calibration data) on this machine, model and thread count for about a second each,
checks each reduced precision against fp32 with the precision gate
(:mod:`rtmpose_plugin.deploy.precision`), and keeps the fastest that passes. The
decision is cached per CPU model, model file and thread count
(:func:`decision_path`); ``choose_backend`` takes a cached decision over the flags, and
a corrupt one is measured again. ``rtmpose measure`` (or ``--measure``) makes it.
"""
from __future__ import annotations

import json
import logging
import os
import os.path as osp
import time
from typing import Callable, Dict, List, Optional, Tuple

import numpy as np

from ..hub import _key, file_digest
from ..runtime.cpu import Choice, capabilities_allow

logger = logging.getLogger('rtmpose_plugin.pose')
#: how long each candidate runs (seconds), its compile and warm-up aside, in ROUNDS
#: interleaved rounds
SECONDS = 1.5
ROUNDS = 3
DECISION_VERSION = 1


def cpu_model(cpuinfo: str = '/proc/cpuinfo') -> str:
    """The CPU's model name (Linux), or the platform's processor string."""
    try:
        with open(cpuinfo) as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    import platform
    return platform.processor() or platform.machine()


def decision_path(model_file: str, threads: int = 0) -> str:
    """Where the decision for this CPU model, model file and thread count is cached."""
    from .opener import cache_dir
    threads = threads or os.cpu_count() or 1
    return osp.join(cache_dir(), 'choices',
                    _key(cpu_model(), file_digest(model_file), str(threads)) + '.json')


def candidates(calibration: bool) -> List[Tuple[str, str]]:
    """The (backend, precision) pairs this machine can run a pose model in."""
    import importlib.util
    found = [('onnxruntime', 'fp32')]
    if importlib.util.find_spec('openvino') is not None:
        found.append(('openvino', 'fp32'))
        if capabilities_allow('openvino', 'bf16'):
            found.append(('openvino', 'bf16'))
        if calibration:
            found.append(('openvino', 'int8'))
    return found


def crops_per_second(model, crops: np.ndarray, seconds: float = SECONDS,
                     timer: Callable[[], float] = time.perf_counter) -> float:
    """Crops a second of a pose model on batches of the crops, after one warm-up batch."""
    batch = crops[:8]
    model(batch)
    done, start = 0, timer()
    while True:
        model(batch)
        done += len(batch)
        elapsed = timer() - start
        if elapsed >= seconds:
            return done / elapsed


def measure_choice(model_file: str, threads: int = 0, calibration: Optional[str] = None,
                   seconds: float = SECONDS, gate: Optional[dict] = None, log=None,
                   folder: Optional[str] = None, keypoints: Optional[str] = None) -> Choice:
    """Measure the candidates on an ONNX pose model and cache the fastest that passes.

    ``calibration``: as ``--calibration`` (INT8's data and the gate's crops); without it
    INT8 is no candidate and bf16 is measured for speed only (said in the reason).

    Raises:
        ValueError: not an ONNX model (the other kinds run on their own backend).
    """
    from ..deploy.precision import DEFAULT_BOUND, PrecisionError, drift
    from .opener import ModelSpec, calibration_id, open_model
    log = log or logger
    if not model_file.endswith('.onnx'):
        raise ValueError(f'auto measures an ONNX model; {osp.basename(model_file)} runs on its '
                         'own backend')
    gate = dict(gate or {})
    bound = gate.get('bound', DEFAULT_BOUND)
    crops_fn = None
    if calibration:
        from ..deploy.calibration import calibration_data
        crops_fn = lambda size: calibration_data(calibration, size)  # noqa: E731

    def opened(backend, precision):
        spec = ModelSpec('pose', model_file, folder, backend, precision, 'cpu',
                         keypoints=keypoints)
        return open_model(spec, threads, crops_fn, calibration_id(calibration), gate=gate)

    reference = opened('onnxruntime', 'fp32')
    w, h = reference.input_size
    crops = crops_fn((w, h)) if crops_fn else np.random.default_rng(0).integers(
        0, 255, (8, h, w, 3), dtype=np.uint8)
    measured: Dict[str, dict] = {}
    models = {}
    for backend, precision in candidates(bool(calibration)):
        name = f'{backend} {precision}'
        try:
            model = reference if (backend, precision) == ('onnxruntime', 'fp32') else \
                opened(backend, precision)
        except PrecisionError as e:
            measured[name] = dict(passed=False, why=str(e).split(':')[0])
            log.info(f'measure: {name} fails the precision check')
            continue
        models[name] = model
        entry = {}
        if precision != 'fp32' and crops_fn is not None:
            check = model.precision_check
            oks = check.mean_oks if check is not None else drift(reference, model, crops)[
                'mean_oks']
            entry.update(mean_oks=oks, passed=oks >= bound)
        else:
            entry.update(passed=True, checked=precision == 'fp32')
        measured[name] = entry
    # interleaved rounds, the median of each: a machine's drift over the seconds of the
    # measurement falls on every candidate alike
    speeds: Dict[str, list] = {name: [] for name in models}
    for _ in range(ROUNDS):
        for name, model in models.items():
            speeds[name].append(crops_per_second(model, crops, seconds / ROUNDS))
    for name in models:
        measured[name]['crops_per_s'] = float(np.median(speeds[name]))
        log.info(f'measure: {name} {measured[name]["crops_per_s"]:.1f} crops/s')
    choice = _best(measured, bool(calibration))
    decision = dict(version=DECISION_VERSION, cpu=cpu_model(), threads=threads or os.cpu_count(),
                    backend=choice.backend, precision=choice.precision, reason=choice.reason,
                    measured=measured)
    path = decision_path(model_file, threads)
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path + '.part', 'w') as f:
        json.dump(decision, f, indent=2)
    os.replace(path + '.part', path)
    return choice


def _best(measured: Dict[str, dict], calibration: bool) -> Choice:
    ok = {n: m for n, m in measured.items() if m.get('passed') and 'crops_per_s' in m}
    if not calibration:  # INT8 needs calibration data when it is opened
        ok = {n: m for n, m in ok.items() if not n.endswith('int8')}
    name = max(ok, key=lambda n: ok[n]['crops_per_s'])
    ranked = ', '.join(f'{n} {m["crops_per_s"]:.0f}' for n, m in
                       sorted(ok.items(), key=lambda kv: -kv[1]['crops_per_s']))
    failed = [n for n, m in measured.items() if not m.get('passed')]
    note = f'; {", ".join(failed)} failed the precision check' if failed else ''
    unchecked = [n for n, m in ok.items() if m.get('checked') is False and
                 not n.endswith('fp32')]
    if unchecked:
        note += f'; {", ".join(unchecked)} not checked (no calibration data)'
    backend, precision = name.split()
    return Choice(backend, precision, f'measured fastest on this CPU: {ranked} crops/s{note}')


def cached_choice(model_file: str, threads: int = 0, calibration: bool = False,
                  log=None) -> Optional[Choice]:
    """The cached decision for this CPU, model and threads, or None.

    A corrupt one is said, removed and None, so that it is measured again."""
    log = log or logger
    try:
        path = decision_path(model_file, threads)
    except OSError:
        return None
    if not osp.isfile(path):
        return None
    try:
        with open(path) as f:
            decision = json.load(f)
        if decision.get('version') != DECISION_VERSION:
            raise ValueError('another version')
        measured = decision['measured']
        if not isinstance(measured, dict) or not measured:
            raise ValueError('no measurements')
        return _best(measured, calibration)
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        log.warning(f'the cached backend decision {path} is unreadable ({e}): measuring again')
        os.remove(path)
        return None
