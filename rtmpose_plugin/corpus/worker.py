"""One input of a corpus job, start to end, in a worker that opens its models once.

The input runs through :func:`rtmpose_plugin.inference.run` into a part folder
(``.parts/<name>/``), whose ``results.jsonl`` is renamed to ``<name>`` when the input is
complete: a final name never holds a partial output, whatever kills the worker. What the
input is to blame for (missing, not media, unreadable, a video that ends early) is this
input's ``error``; what is not (the model, a full disk) is ``fatal`` and stops the job.
"""
from __future__ import annotations

import os
import os.path as osp
import shutil
import time
from typing import Dict, Optional

from ..errors import ModelError, OutputError

#: where the inputs in progress write, inside the job's folder
PARTS = '.parts'


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _first_error(results: str) -> Optional[str]:
    import json
    try:
        with open(results, encoding='utf-8') as f:
            for line in f:
                error = json.loads(line).get('error')
                if error:
                    return str(error)
    except (OSError, ValueError):
        pass
    return None


def pin_to_cores(index: int, threads: int) -> Optional[list]:
    """Keep worker ``index`` to ``threads`` cores of its own (this process's share).

    Inference runtimes pin their threads to the first cores they may use (OpenVINO does by
    default): two one-thread workers left to themselves both take core 0 and run at half
    speed. Returns the cores, or None where affinity cannot be set (not Linux)."""
    try:
        allowed = sorted(os.sched_getaffinity(0))
    except AttributeError:
        return None
    threads = max(1, min(threads, len(allowed)))
    slot = index % max(1, len(allowed) // threads)
    cores = allowed[slot * threads:(slot + 1) * threads]
    os.sched_setaffinity(0, cores)
    return cores


class Extractor:
    """``(input, output name) -> manifest record``, the models opened at the first call.

    Args:
        options: :class:`~rtmpose_plugin.api.RTMPose`'s keyword arguments (its backend a
            name, so that it pickles to a worker).
        out_dir: The job's folder (shared by every worker: on a cluster, shared storage).
        overlap: Read and write in threads beside the inference (one worker on the
            machine); with a worker per core, one step after another.
        single_thread_helpers: OpenCV on one thread (a worker per core).
    """

    def __init__(self, options: Dict, out_dir: str, overlap: bool = False,
                 single_thread_helpers: bool = True) -> None:
        self.options, self.out_dir, self.overlap = dict(options), out_dir, overlap
        self.single_thread_helpers = single_thread_helpers
        self.model = None

    def _open(self) -> None:
        if self.single_thread_helpers:
            import cv2
            cv2.setNumThreads(1)
        from ..api import RTMPose
        self.model = RTMPose(**self.options)

    def __call__(self, path: str, name: str) -> Dict:
        from ..inference.runner import RESULTS, check_source, run
        t0 = time.perf_counter()
        record = dict(input=path, output=None, status='error', frames=0, people=0,
                      seconds=0.0, error=None, fatal=False, pid=os.getpid())
        part = osp.join(self.out_dir, PARTS, name)
        try:
            if self.model is None:
                self._open()
            check_source(path)
            shutil.rmtree(part, ignore_errors=True)  # a part left by a killed worker
            self.model.reset()
            summary = run(self.model.pipeline, path, part, progress=False, save_frames=False,
                          checked=True, overlap=self.overlap, warm_up=False)
            record.update(frames=summary['frames'], people=summary['people'])
            if summary.get('interrupted'):
                raise KeyboardInterrupt
            if summary['ended_early']:
                record['error'] = summary['video_note']
            elif summary['frames'] == 0:
                record['error'] = _first_error(osp.join(part, RESULTS)) or \
                    'no frame could be read'
            else:
                os.replace(osp.join(part, RESULTS), osp.join(self.out_dir, name))
                record.update(status='done', output=name)
        except (ModelError, OutputError) as e:  # not the input's fault: the job stops
            record.update(error=_first_line(e), fatal=True)
        except KeyboardInterrupt:
            raise
        except FileNotFoundError as e:  # the input, or (before any input) the model
            record.update(error=_first_line(e), fatal=self.model is None)
        except Exception as e:  # noqa: B902  (the input's: a bad file goes no further)
            record['error'] = f'{type(e).__name__}: {_first_line(e)}' \
                if not isinstance(e, ValueError) else _first_line(e)
            record['fatal'] = self.model is None  # the models could not be opened
        finally:
            shutil.rmtree(part, ignore_errors=True)
        record['seconds'] = round(time.perf_counter() - t0, 3)
        return record
