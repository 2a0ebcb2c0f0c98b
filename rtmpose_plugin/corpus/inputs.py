"""The inputs of a corpus job, streamed, and the one output name of each.

An input spec is a file, a folder (walked recursively, in sorted order, hidden entries
and the job's own output folder left out), a glob, or a list file (``.txt``/``.lst``:
one input per line, ``#`` comments, relative paths taken from the list's folder), whose
lines may themselves be folders or globs. Nothing is held but the walk's current folder,
so a million inputs stream as well as ten.
"""
from __future__ import annotations

import glob
import hashlib
import os
import os.path as osp
from typing import Iterable, Iterator, Optional

#: a spec with one of these endings is a list of inputs, one a line
LIST_EXTS = ('.txt', '.lst', '.list')


def _walk(folder: str, skip: Optional[str]) -> Iterator[str]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        yield folder  # unreadable: the job records it as an error
        return
    for entry in entries:
        if entry.name.startswith('.'):
            continue
        if entry.is_dir(follow_symlinks=True):
            if skip is not None and osp.realpath(entry.path) == skip:
                continue
            yield from _walk(entry.path, skip)
        else:
            yield entry.path


def _is_glob(spec: str) -> bool:
    return glob.has_magic(spec) and not osp.exists(spec)


def iter_inputs(specs: Iterable[str], out_dir: Optional[str] = None,
                _depth: int = 0) -> Iterator[str]:
    """Each input file of ``specs``, in order (see the module note).

    A spec that names nothing (a missing file, a glob that matches nothing) is yielded
    as it is, so that the job records it as an error rather than losing it.
    """
    skip = osp.realpath(out_dir) if out_dir else None
    for spec in specs:
        if osp.isdir(spec):
            yield from _walk(spec, skip)
        elif _is_glob(spec):
            matches = glob.iglob(spec, recursive=True)
            first = next(matches, None)
            if first is None:
                yield spec
                continue
            for path in (first, *matches):  # iglob streams; sorted within a folder only
                if osp.isdir(path):
                    yield from _walk(path, skip)
                else:
                    yield path
        elif spec.lower().endswith(LIST_EXTS) and osp.isfile(spec) and _depth < 4:
            base = osp.dirname(spec)
            with open(spec, encoding='utf-8', errors='replace') as f:
                for line in f:
                    line = line.strip()
                    if line and not line.startswith('#'):
                        yield from iter_inputs([osp.join(base, line)], out_dir, _depth + 1)
        else:
            yield spec


def output_name(path: str) -> str:
    """``<file name>.<16 hex digits>.jsonl``: the digits hash the input's real path.

    So two folders holding the same file name give two outputs, the same input always
    the same one (a rerun finds it), and the name still says what it came from.
    """
    digest = hashlib.sha1(osp.realpath(path).encode('utf-8', 'surrogateescape')).hexdigest()
    return f'{osp.basename(path.rstrip(os.sep)) or "input"}.{digest[:16]}.jsonl'
