"""``manifest.jsonl``: one line per input finished, appended and flushed as it finishes.

A line: ``input``, ``output`` (the file's name in the job's folder, or null), ``status``
(``done`` or ``error``), ``frames``, ``people``, ``seconds`` and, where it failed,
``error`` (one line). A rerun skips an input whose line says ``done`` and whose output
exists; a later line for the same output counts over an earlier one. A line cut short
by a killed driver is ignored and the next line starts on a line of its own.
"""
from __future__ import annotations

import json
import os
import os.path as osp
from typing import Set

MANIFEST = 'manifest.jsonl'
FIELDS = ('input', 'output', 'status', 'frames', 'people', 'seconds', 'error')


def read_done(out_dir: str) -> Set[str]:
    """The output names whose last manifest line says ``done`` (read streaming)."""
    done: Set[str] = set()
    path = osp.join(out_dir, MANIFEST)
    if not osp.exists(path):
        return done
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            try:
                record = json.loads(line)
                output, status = record['output'], record['status']
            except (ValueError, KeyError, TypeError):
                continue  # cut short by a kill, or not ours
            if not isinstance(output, str):
                continue
            if status == 'done':
                done.add(output)
            else:
                done.discard(output)
    return done


class Manifest:
    """The manifest, opened for appending (a fresh line after a cut one)."""

    def __init__(self, out_dir: str) -> None:
        self.path = osp.join(out_dir, MANIFEST)
        os.makedirs(out_dir, exist_ok=True)
        self.file = open(self.path, 'a+', encoding='utf-8')
        self.file.seek(0, os.SEEK_END)
        if self.file.tell():
            self.file.seek(self.file.tell() - 1)
            if self.file.read(1) != '\n':
                self.file.write('\n')
        self.file.flush()

    def write(self, record: dict) -> None:
        self.file.write(json.dumps({k: record.get(k) for k in FIELDS}) + '\n')
        self.file.flush()

    def close(self) -> None:
        self.file.close()
