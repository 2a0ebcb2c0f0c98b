"""Downloads and the model cache: the one place that fetches files and keeps them.

- :func:`home`: where downloads, unpacked SDK zips, exports and conversions are kept:
  ``$RTMPOSE_PLUGIN_HOME``, else (the older name) ``$RTMPOSE_PLUGIN_CACHE``, else
  ``$XDG_CACHE_HOME/rtmpose_plugin`` or ``~/.cache/rtmpose_plugin``.
- :func:`mirrored`: every URL the package downloads from, with
  ``https://download.openmmlab.com`` replaced by ``$RTMPOSE_PLUGIN_MODEL_BASE_URL``
  where that is set (a mirror behind a firewall, or a local server in the tests).
- :func:`download`: a URL fetched once into ``home()/downloads``, with a progress bar.
  The body goes to a part file that is renamed only when complete and checked (its
  length, and a zip's members); two processes fetching the same file take turns (a
  lock file); a file in the cache is used offline.
- :func:`unpack_sdk_zip`: an MMDeploy SDK zip unpacked once, by its content.

Only the standard library is imported (tqdm where installed, for the bar): the
runtime-only install downloads with it.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import os.path as osp
import shutil
import tempfile
import urllib.parse
import zipfile
from typing import Callable, Iterator, Optional

__all__ = ['DownloadError', 'home', 'mirrored', 'download', 'cached_path', 'unpack_sdk_zip',
           'make_once', 'file_digest', 'OPENMMLAB', 'HOME_ENV', 'BASE_URL_ENV']

HOME_ENV = 'RTMPOSE_PLUGIN_HOME'
LEGACY_HOME_ENV = 'RTMPOSE_PLUGIN_CACHE'
BASE_URL_ENV = 'RTMPOSE_PLUGIN_MODEL_BASE_URL'
OPENMMLAB = 'https://download.openmmlab.com'
_CHUNK = 1 << 16


class DownloadError(RuntimeError):
    """A file that could not be fetched, or arrived incomplete or corrupt.

    Nothing of it is left in the cache.
    """


def home() -> str:
    """The cache folder (see the module note); not made until something is written."""
    for name in (HOME_ENV, LEGACY_HOME_ENV):
        if os.environ.get(name):
            return osp.abspath(osp.expanduser(os.environ[name]))
    base = os.environ.get('XDG_CACHE_HOME') or osp.join(osp.expanduser('~'), '.cache')
    return osp.join(base, 'rtmpose_plugin')


def mirrored(url: str) -> str:
    """``url`` with OpenMMLab's host replaced by ``$RTMPOSE_PLUGIN_MODEL_BASE_URL``."""
    base = os.environ.get(BASE_URL_ENV, '').rstrip('/')
    if base and url.startswith(OPENMMLAB + '/'):
        return base + url[len(OPENMMLAB):]
    return url


def cached_path(url: str, dest: Optional[str] = None) -> str:
    """Where :func:`download` keeps ``url``.

    ``dest`` (default ``home()/downloads``) and the URL's file name (as torch's hub does),
    so a file put there by hand is used offline.
    """
    name = osp.basename(urllib.parse.urlparse(url).path)
    if not name:
        raise DownloadError(f'{url} names no file')
    return osp.join(dest or osp.join(home(), 'downloads'), name)


def file_digest(path: str) -> str:
    """The SHA-256 of a file, read in blocks."""
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()


@contextlib.contextmanager
def _lock(path: str) -> Iterator[None]:
    """An exclusive lock on ``path`` (a lock file) across processes, where the OS has ``fcntl``.

    Elsewhere none (each process then writes its own part file).
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(path, 'a') as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _check_zip(path: str, url: str) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            bad = z.testzip()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise DownloadError(f'{url} is not a valid zip ({e}); nothing was kept: try again, or '
                            f'check the mirror in ${BASE_URL_ENV}') from None
    if bad is not None:
        raise DownloadError(f'{url} is a corrupt zip (member {bad!r} fails its CRC); nothing '
                            f'was kept: try again, or check the mirror in ${BASE_URL_ENV}')


def _fetch(url: str, part: str, progress: bool, timeout: float) -> None:
    """The body of ``url`` into ``part``, checked against its Content-Length."""
    import urllib.error
    import urllib.request  # here: 40 ms to import, and most runs download nothing
    try:
        response = urllib.request.urlopen(url, timeout=timeout)
    except urllib.error.HTTPError as e:
        raise DownloadError(f'cannot download {url}: HTTP {e.code} {e.reason}') from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, 'reason', e)
        raise DownloadError(f'cannot download {url}: {reason}') from None
    with response:
        total = int(response.headers.get('Content-Length') or 0) or None
        bar = None
        if progress:
            try:
                from tqdm import tqdm
                bar = tqdm(total=total, unit='B', unit_scale=True, unit_divisor=1024,
                           desc=osp.basename(part).split('.part')[0], dynamic_ncols=True)
            except ImportError:
                bar = None
        done = 0
        try:
            with open(part, 'wb') as f:
                while True:
                    try:
                        chunk = response.read(_CHUNK)
                    except (OSError, ValueError) as e:  # the connection broke off
                        raise DownloadError(f'the download of {url} broke off after {done} '
                                            f'bytes ({e}); nothing was kept: try again') \
                            from None
                    if not chunk:
                        break
                    f.write(chunk)
                    done += len(chunk)
                    if bar is not None:
                        bar.update(len(chunk))
        finally:
            if bar is not None:
                bar.close()
    if total is not None and done != total:
        raise DownloadError(f'the download of {url} is truncated ({done} of {total} bytes); '
                            'nothing was kept: try again')


def download(url: str, progress: bool = True, dest: Optional[str] = None,
             timeout: float = 60.0) -> str:
    """The local path of ``url`` (after :func:`mirrored`), fetched once into the cache.

    Raises:
        DownloadError: one line naming the URL and what went wrong (HTTP status, no
            connection, a truncated body, a corrupt zip, a full disk) and where a file
            put by hand is used offline; no part of the file is left behind.
    """
    path = cached_path(url, dest)
    if osp.isfile(path):
        return path
    source = mirrored(url)
    parent = osp.dirname(path)
    try:
        os.makedirs(osp.join(parent, '.locks'), exist_ok=True)
    except OSError as e:
        raise DownloadError(f'cannot make the cache folder {parent} ({e.strerror}): set '
                            f'${HOME_ENV} to a writable folder') from None
    with _lock(osp.join(parent, '.locks', osp.basename(path) + '.lock')):
        if osp.isfile(path):  # another process finished it while this one waited
            return path
        part = f'{path}.part-{os.getpid()}'
        try:
            _fetch(source, part, progress, timeout)
            if path.endswith('.zip'):
                _check_zip(part, source)
            os.replace(part, path)
        except OSError as e:
            full = e.errno in (errno.ENOSPC, errno.EDQUOT)
            raise DownloadError(
                f'cannot write {path} ({"the disk is full" if full else e.strerror}); nothing '
                f'was kept: free space or set ${HOME_ENV} to another folder') from None
        except DownloadError as e:
            raise DownloadError(f'{e}. Offline, put the file at {path}') from None
        finally:
            if osp.exists(part):
                os.remove(part)
    return path


def make_once(folder: str, done: str, make: Callable[[str], None]) -> str:
    """Make a folder once, atomically.

    ``folder``, made by ``make(tmp)`` in a temporary folder beside it and renamed into
    place, unless ``folder/done`` exists: an interrupted job leaves no half folder."""
    if osp.exists(osp.join(folder, done)):
        return folder
    parent = osp.dirname(folder)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=parent, prefix='.tmp-')
    try:
        make(tmp)
        if osp.exists(folder):
            shutil.rmtree(folder)
        os.replace(tmp, folder)
    finally:
        if osp.exists(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
    return folder


def _key(*parts: str) -> str:
    return hashlib.sha256('\0'.join(parts).encode()).hexdigest()[:16]


def unpack_sdk_zip(path: str, error: type = ValueError) -> str:
    """The SDK folder inside an SDK zip, unpacked once.

    The SDK folder inside an SDK zip (the folder holding ``deploy.json``), unpacked
    once into ``home()/sdk``, keyed by the zip's content.

    Raises:
        ``error``: not a zip, an unsafe member path, or no ``deploy.json`` in it.
    """
    if not zipfile.is_zipfile(path):
        raise error(f'{path} is not a zip file')
    folder = osp.join(home(), 'sdk', f'{osp.splitext(osp.basename(path))[0]}_'
                      f'{_key(file_digest(path))}')

    def make(tmp):
        with zipfile.ZipFile(path) as z:
            for member in z.namelist():
                target = osp.realpath(osp.join(tmp, member))
                if not target.startswith(osp.realpath(tmp) + os.sep):
                    raise error(f'{path} has an unsafe member {member!r}')
            try:
                z.extractall(tmp)
            except (zipfile.BadZipFile, EOFError) as e:
                raise error(f'{path} is a corrupt zip ({e})') from None
        open(osp.join(tmp, '.unpacked'), 'w').close()

    root = make_once(folder, '.unpacked', make)
    for dirpath, _, files in sorted(os.walk(root)):
        if 'deploy.json' in files:
            return dirpath
    raise error(f'{path} holds no MMDeploy SDK folder (no deploy.json)')
