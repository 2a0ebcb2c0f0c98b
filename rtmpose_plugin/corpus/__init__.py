"""Pose extraction over a whole corpus: ``rtmpose extract`` and :func:`extract`.

Every input (:mod:`.inputs`: files, folders, globs, list files, streamed) gets one
``<name>.jsonl`` in ``results.jsonl``'s format and one line in ``manifest.jsonl``
(:mod:`.manifest`). Inputs run on an engine (:mod:`.engines`): a local process pool
sized to the cores, or Ray actors on a local or existing cluster, each worker with its
models opened once (:mod:`.worker`). A rerun skips what is done; a killed job loses no
finished input and leaves no partial output under a final name.
"""
from __future__ import annotations

import os
import os.path as osp
import shutil
import time
from typing import Callable, Dict, Iterable, Optional, Sequence

from ..errors import OutputError
from .engines import LocalEngine, RayEngine, cores, ray_missing
from .inputs import iter_inputs, output_name
from .manifest import MANIFEST, Manifest, read_done
from .worker import PARTS, Extractor

__all__ = ['extract', 'iter_inputs', 'output_name', 'MANIFEST', 'ENGINES']

ENGINES = ('local', 'ray')


class JobError(RuntimeError):
    """What stops a whole job (the model cannot be opened, the disk is full): one line."""


def _count(specs: Sequence[str], out_dir: str) -> int:
    return sum(1 for _ in iter_inputs(specs, out_dir))


def extract(inputs: Iterable[str], out_dir: str, pose: str = 'body',
            det: Optional[str] = 'rtmdet-nano', engine: str = 'local', workers: int = 0,
            threads: int = 0, ray_address: Optional[str] = None, progress: bool = True,
            on_start: Optional[Callable] = None, **options) -> Dict:
    """Pose over every input; returns the job's summary.

    Args:
        inputs: Files, folders, globs or list files (see :mod:`.inputs`).
        out_dir: The job's folder: ``<name>.jsonl`` per input and ``manifest.jsonl``.
        pose, det, options: :class:`~rtmpose_plugin.api.RTMPose`'s (backend, precision,
            det_interval, ...).
        engine: ``local`` (a process pool) or ``ray``.
        workers: How many workers (0: one per ``threads`` cores of the machine, at most
            one per input, or of the Ray cluster).
        threads: Inference threads per worker (0: the cores shared out among the workers,
            so that they do not oversubscribe them).
        ray_address: An existing Ray cluster (``auto`` or ``ray://host:port``); None
            starts a local one.
        on_start: Called with the engine once its workers are up (tests kill one).

    The summary: ``inputs`` (listed), ``done`` (this run), ``skipped`` (done before),
    ``failed``, ``frames``, ``people``, ``seconds``, ``manifest``, ``interrupted``.

    Raises:
        ValueError: an unknown engine; ``JobError``: the job cannot go on (one line).
    """
    from tqdm import tqdm
    if engine not in ENGINES:
        raise ValueError(f'engine {engine!r}: one of {", ".join(ENGINES)}')
    if engine == 'ray' and ray_missing():
        raise JobError(ray_missing())
    specs = [str(s) for s in inputs]
    if not specs:
        raise ValueError('no inputs: give files, folders, globs or a list file')
    if osp.exists(out_dir) and not osp.isdir(out_dir):
        raise OutputError(f'--out {out_dir!r} is a file: give a folder')
    n_cores, total = cores(), _count(specs, out_dir)  # streamed twice, never held
    if workers <= 0 and engine == 'local':  # no more workers than inputs
        workers = max(1, min(total, n_cores // max(threads, 1)))
    if threads <= 0:
        threads = max(1, n_cores // workers) if workers > 0 else 1
    os.makedirs(out_dir, exist_ok=True)
    shutil.rmtree(osp.join(out_dir, PARTS), ignore_errors=True)  # a killed job's parts
    done_before = read_done(out_dir)
    one_worker = workers == 1 and threads >= n_cores
    extractor = Extractor(dict(options, pose=pose, det=det, threads=threads), out_dir,
                          overlap=one_worker, single_thread_helpers=not one_worker)
    summary = dict(inputs=0, done=0, skipped=0, failed=0, frames=0, people=0,
                   manifest=osp.join(out_dir, MANIFEST), interrupted=False, engine=engine)
    manifest = Manifest(out_dir)
    bar = tqdm(total=total, disable=not progress, unit='input', dynamic_ncols=True)
    start = time.perf_counter()

    def jobs():
        for path in iter_inputs(specs, out_dir):
            summary['inputs'] += 1
            name = output_name(path)
            if name in done_before and osp.exists(osp.join(out_dir, name)):
                summary['skipped'] += 1
                bar.update(1)
                continue
            yield path, name

    runner, clean = None, False
    try:
        runner = LocalEngine(extractor, workers) if engine == 'local' else \
            RayEngine(extractor, workers, threads, ray_address)
        if on_start is not None:
            on_start(runner)
        for record in runner.results(jobs()):
            if record.get('fatal'):
                raise JobError(f"{record['error']} (at {record['input']!r}; the inputs "
                               f"finished before it are in {manifest.path!r})")
            manifest.write(record)
            summary['done' if record['status'] == 'done' else 'failed'] += 1
            summary['frames'] += record['frames']
            summary['people'] += record['people']
            bar.update(1)
            seconds = time.perf_counter() - start
            bar.set_postfix(frames=summary['frames'], fps=f"{summary['frames'] / seconds:.1f}",
                            failed=summary['failed'])
        clean = True
    except KeyboardInterrupt:
        summary['interrupted'] = True
    finally:
        bar.close()
        if runner is not None:
            runner.close(now=not clean)  # stopped: the workers mid-input go at once
        manifest.close()
        shutil.rmtree(osp.join(out_dir, PARTS), ignore_errors=True)
    summary['seconds'] = round(time.perf_counter() - start, 2)
    summary['workers'], summary['threads'] = getattr(runner, 'workers', workers), threads
    return summary
