"""Downloads and the model cache against a local server on 127.0.0.1: first download
through a mirror ($RTMPOSE_PLUGIN_MODEL_BASE_URL), offline reuse, 404, connection
refused, a truncated body, corrupt zips, a full disk and two processes at once; model
names opened from published zips with no export."""
import os
import os.path as osp
import socket
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from rtmpose_plugin import hub

from .conftest import ROOT, shared
from .model_server import OPENMMLAB_ZIPS, ModelServer, zip_sdk_folder

NANO = 'rtmdet_nano_8xb32-100e_coco-obj365-person-05d8511e.zip'


@pytest.fixture(scope='module')
def served(tmp_path_factory):
    """A server root laid out as OpenMMLab's, with the real RTMDet-nano SDK folder
    zipped as OpenMMLab publishes it, and a corrupt zip."""
    root = tmp_path_factory.mktemp('openmmlab')
    zips = str(root) + OPENMMLAB_ZIPS
    zip_sdk_folder(shared('models', 'rtmdet-nano-person'), osp.join(zips, NANO))
    with open(osp.join(zips, 'garbage.zip'), 'wb') as f:
        f.write(os.urandom(5000))
    good = open(osp.join(zips, NANO), 'rb').read()
    bad = bytearray(good)
    bad[len(bad) // 3] ^= 0xFF  # inside the compressed model: a CRC error on reading
    with open(osp.join(zips, 'crc.zip'), 'wb') as f:
        f.write(bytes(bad))
    with ModelServer(str(root)) as server:
        yield server


@pytest.fixture
def mirror(served, tmp_path, monkeypatch):
    monkeypatch.setenv(hub.BASE_URL_ENV, served.url)
    monkeypatch.setenv(hub.HOME_ENV, str(tmp_path / 'home'))
    return served


def url(name):
    return hub.OPENMMLAB + OPENMMLAB_ZIPS + name


def leftovers(tmp_path):
    folder = tmp_path / 'home' / 'downloads'
    return sorted(p.name for p in folder.iterdir() if p.name != '.locks') \
        if folder.exists() else []


def test_first_download_goes_through_the_mirror_then_works_offline(mirror, tmp_path,
                                                                   monkeypatch):
    before = mirror.hits[OPENMMLAB_ZIPS + NANO]
    path = hub.download(url(NANO), progress=False)
    assert path == str(tmp_path / 'home' / 'downloads' / NANO)
    assert zipfile.ZipFile(path).testzip() is None
    assert mirror.hits[OPENMMLAB_ZIPS + NANO] == before + 1
    monkeypatch.setenv(hub.BASE_URL_ENV, 'http://127.0.0.1:9')  # nothing listens: offline
    assert hub.download(url(NANO), progress=False) == path
    folder = hub.unpack_sdk_zip(path)
    assert osp.isfile(osp.join(folder, 'deploy.json'))


def test_a_missing_file_is_one_line_and_leaves_nothing(mirror, tmp_path):
    with pytest.raises(hub.DownloadError, match=r'HTTP 404.*Offline, put the file at') as e:
        hub.download(url('no-such-model.zip'), progress=False)
    assert '\n' not in str(e.value)
    assert leftovers(tmp_path) == []


def test_connection_refused_is_one_line(tmp_path, monkeypatch):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    monkeypatch.setenv(hub.BASE_URL_ENV, f'http://127.0.0.1:{port}')
    monkeypatch.setenv(hub.HOME_ENV, str(tmp_path / 'home'))
    with pytest.raises(hub.DownloadError, match='cannot download .*refused') as e:
        hub.download(url(NANO), progress=False)
    assert '\n' not in str(e.value) and leftovers(tmp_path) == []


def test_a_truncated_body_is_refused_and_not_kept(mirror, tmp_path):
    with pytest.raises(hub.DownloadError, match='truncated|broke off'):
        hub.download(f'{mirror.url}/truncated{OPENMMLAB_ZIPS}{NANO}', progress=False)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize('name, message', [('garbage.zip', 'not a valid zip'),
                                           ('crc.zip', 'corrupt zip|not a valid zip')])
def test_a_corrupt_zip_is_refused_and_not_kept(mirror, tmp_path, name, message):
    with pytest.raises(hub.DownloadError, match=message):
        hub.download(url(name), progress=False)
    assert leftovers(tmp_path) == []


def test_a_full_disk_is_one_line_and_leaves_nothing(mirror, tmp_path):
    folder = tmp_path / 'home' / 'downloads'
    folder.mkdir(parents=True)
    part = folder / f'{NANO}.part-{os.getpid()}'
    part.symlink_to('/dev/full')  # every write: ENOSPC
    with pytest.raises(hub.DownloadError, match='the disk is full'):
        hub.download(url(NANO), progress=False)
    assert not part.exists() and not part.is_symlink() and leftovers(tmp_path) == []


def test_two_processes_downloading_one_model_take_turns(mirror, tmp_path):
    code = ('import sys; from rtmpose_plugin import hub; '
            f'print(hub.download({url(NANO)!r}, progress=False))')
    env = dict(os.environ, PYTHONPATH=ROOT)
    before = mirror.hits[OPENMMLAB_ZIPS + NANO]
    procs = [subprocess.Popen([sys.executable, '-c', code], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-500:] for o in outs]
    paths = {o[0].strip() for o in outs}
    assert paths == {str(tmp_path / 'home' / 'downloads' / NANO)}
    assert mirror.hits[OPENMMLAB_ZIPS + NANO] == before + 1  # fetched once
    assert zipfile.ZipFile(paths.pop()).testzip() is None
    assert leftovers(tmp_path) == [NANO]


def test_an_unsafe_zip_member_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv(hub.HOME_ENV, str(tmp_path / 'home'))
    path = tmp_path / 'evil.zip'
    with zipfile.ZipFile(path, 'w') as z:
        z.writestr('../outside.txt', 'x')
    with pytest.raises(ValueError, match='unsafe member'):
        hub.unpack_sdk_zip(str(path))
    assert not (tmp_path / 'home' / 'outside.txt').exists()


def test_a_detector_name_opens_its_published_zip_with_no_export(mirror, monkeypatch):
    from rtmpose_plugin.inference import opener as models
    from rtmpose_plugin.inference.opener import open_detector
    monkeypatch.setattr(models, 'export_cached', None)  # an export would fail here
    import cv2
    image = cv2.imread(shared('coco', '000000196141.jpg'))
    by_name = open_detector('rtmdet-nano')(image)
    by_folder = open_detector(shared('models', 'rtmdet-nano-person'))(image)
    assert len(by_name) > 0
    np.testing.assert_array_equal(by_name, by_folder)
