"""The engines that run a corpus job's inputs: a local process pool, or Ray.

Both take ``(input, output name)`` jobs as a stream, keep a bounded number in flight
(two a worker), and yield each job's manifest record as it completes. Every worker holds
one :class:`~.worker.Extractor`, whose models are opened once. A worker that dies is
replaced and its inputs run again (Ray: by its actor restarts and task retries; the
local pool: a new pool), up to :data:`RETRIES` times, then the input is an error.
"""
from __future__ import annotations

import os
from typing import Callable, Dict, Iterator, Optional, Tuple

from .worker import Extractor, pin_to_cores

#: how many times an input whose worker died is run again
RETRIES = 3
#: the jobs in flight per worker
IN_FLIGHT = 2

Job = Tuple[str, str]


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _died(job: Job, tries: int) -> Dict:
    return dict(input=job[0], output=None, status='error', frames=0, people=0, seconds=0.0,
                error=f'the worker died while running it, {tries} times', fatal=False)


# ---------------------------------------------------------------------------- local
_EXTRACTOR: Optional[Extractor] = None


def _exit_with_parent() -> None:
    """End this worker the moment its driver is gone (killed -9 included).

    A pool's worker waits on a queue whose write end it holds itself, so it would
    never notice: it watches the parent's sentinel instead. Mid-input, its part file is
    never renamed, and the next run starts that input again."""
    import multiprocessing
    import multiprocessing.connection
    import threading
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch():
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)
    threading.Thread(target=watch, name='rtmpose-parent-watch', daemon=True).start()


def _init_worker(extractor: Extractor, counter, workers: int) -> None:
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver stops the job, not Ctrl-C
    _exit_with_parent()
    with counter.get_lock():  # this worker's number, for its cores
        index, counter.value = counter.value, counter.value + 1
    if workers > 1:
        pin_to_cores(index, extractor.options.get('threads') or 1)
    global _EXTRACTOR
    _EXTRACTOR = extractor


def _work(path: str, name: str) -> Dict:
    return _EXTRACTOR(path, name)


class LocalEngine:
    """A process pool on this machine (spawned processes: no model state forked)."""

    name = 'local'

    def __init__(self, extractor: Extractor, workers: int) -> None:
        self.extractor, self.workers = extractor, workers
        self.pool = None

    def _start(self):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        context = multiprocessing.get_context('spawn')
        self.pool = ProcessPoolExecutor(self.workers, mp_context=context,
                                        initializer=_init_worker,
                                        initargs=(self.extractor, context.Value('i', 0),
                                                  self.workers))

    def results(self, jobs: Iterator[Job]) -> Iterator[Dict]:
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool
        self._start()
        inflight: Dict = {}
        again: list = []  # jobs whose worker died, to run before new ones
        tries: Dict[Job, int] = {}
        jobs = iter(jobs)
        exhausted = False
        while True:
            while len(inflight) < self.workers * IN_FLIGHT and (again or not exhausted):
                if again:
                    job = again.pop()
                else:
                    job = next(jobs, None)
                    if job is None:
                        exhausted = True
                        break
                inflight[self.pool.submit(_work, *job)] = job
            if not inflight:
                return
            done, _ = wait(inflight, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                job = inflight.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    broken = True
                    tries[job] = tries.get(job, 0) + 1
                    if tries[job] > RETRIES:
                        yield _died(job, tries[job])
                    else:
                        again.append(job)
            if broken:  # every job in flight is lost with the pool: run them again
                again.extend(inflight.values())
                inflight.clear()
                self.pool.shutdown(wait=True, cancel_futures=True)
                self._start()

    def close(self, now: bool = False) -> None:
        if self.pool is None:
            return
        if now:  # stop the workers mid-input: their parts are never renamed
            for process in list(getattr(self.pool, '_processes', {}).values()):
                process.terminate()
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = None


# ---------------------------------------------------------------------------- Ray
class _RayWorker:
    """The actor: one Extractor, its models opened once, for every input it is given."""

    def __init__(self, extractor: Extractor, index: int, workers: int) -> None:
        if workers > 1:
            pin_to_cores(index, extractor.options.get('threads') or 1)
        self.extractor = extractor

    def run(self, path: str, name: str) -> Dict:
        return self.extractor(path, name)

    def pid(self) -> int:
        return os.getpid()


def ray_missing() -> Optional[str]:
    """The one line for ``--engine ray`` without Ray, or None."""
    try:
        import ray  # noqa: F401
    except ImportError:
        return ("--engine ray needs Ray, which is not installed: pip install "
                "'rtmpose_plugin[distributed]' (or use --engine local)")
    return None


class RayEngine:
    """Ray actors holding the models: ``address`` an existing cluster, else a local one."""

    name = 'ray'

    def __init__(self, extractor: Extractor, workers: int, threads: int,
                 address: Optional[str] = None, started: Optional[Callable] = None) -> None:
        import ray
        self.ray, self.extractor, self.threads = ray, extractor, threads
        self.owned = not ray.is_initialized()
        if self.owned:
            kwargs = dict(include_dashboard=False, log_to_driver=False,
                          configure_logging=False)
            if address:
                ray.init(address=address, **kwargs)
            else:
                ray.init(num_cpus=cores(), object_store_memory=100 * 2**20, **kwargs)
        if workers <= 0:
            workers = max(1, int(ray.cluster_resources().get('CPU', 1)) // threads)
        self.workers = workers
        actor = ray.remote(num_cpus=threads, max_restarts=-1,
                           max_task_retries=RETRIES)(_RayWorker)
        self.actors = [actor.remote(extractor, i, workers) for i in range(workers)]
        if started is not None:
            started(self)

    def pids(self) -> list:
        return self.ray.get([a.pid.remote() for a in self.actors])

    def results(self, jobs: Iterator[Job]) -> Iterator[Dict]:
        ray = self.ray
        from ray.exceptions import RayActorError
        free = [a for a in self.actors for _ in range(IN_FLIGHT)]
        pending: Dict = {}

        def finished(ref):
            job, actor = pending.pop(ref)
            free.append(actor)
            try:
                return ray.get(ref)
            except RayActorError:  # retried RETRIES times on restarted actors
                return _died(job, RETRIES + 1)

        for job in jobs:
            while not free:
                ready, _ = ray.wait(list(pending), num_returns=1)
                yield finished(ready[0])
            actor = free.pop(0)
            pending[actor.run.remote(*job)] = (job, actor)
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            yield finished(ready[0])

    def close(self, now: bool = False) -> None:
        for actor in self.actors:
            self.ray.kill(actor, no_restart=True)
        self.actors = []
        if self.owned:
            self.ray.shutdown()
