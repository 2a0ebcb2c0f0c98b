"""Checkpoint loading (rtmpose_plugin.compat.checkpoint): mmengine's and numpy-1 pickles
load with weights_only through an allow-list; anything else is refused, not run."""
import collections
import fractions
import os

import numpy as np
import pytest
import torch

import rtmpose_plugin.register  # noqa: F401
from rtmpose_plugin import compat
from rtmpose_plugin.compat.checkpoint import TRUSTED_ENV, UntrustedCheckpointError


def mmengine_like_checkpoint():
    from mmengine.logging import HistoryBuffer
    buf = HistoryBuffer()
    buf.update(0.5)
    return dict(
        meta=dict(epoch=3, dataset_meta=dict(sigmas=np.array([0.026, 0.025], np.float32),
                                             flip_indices=[1, 0]),
                  seed=np.int64(21)),
        state_dict=collections.OrderedDict(w=torch.ones(2)),
        message_hub=dict(log_scalars={'train/loss': buf}))


class Evil:

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}', ))


def test_mmengine_checkpoints_load_through_mmengine(tmp_path):
    from mmengine.runner.checkpoint import _load_checkpoint
    path = tmp_path / 'epoch_3.pth'
    torch.save(mmengine_like_checkpoint(), path)
    ckpt = _load_checkpoint(str(path), map_location='cpu')
    assert ckpt['meta']['epoch'] == 3
    np.testing.assert_allclose(ckpt['meta']['dataset_meta']['sigmas'], [0.026, 0.025])
    assert ckpt['message_hub']['log_scalars']['train/loss'].current() == 0.5


def test_numpy1_pickles_of_official_checkpoints_load(tmp_path):
    """Official RTMPose checkpoints were saved under NumPy 1 (numpy.core.multiarray)."""
    from mmengine.runner.checkpoint import _load_checkpoint
    path = tmp_path / 'legacy.pth'
    torch.save(mmengine_like_checkpoint(), path, _use_new_zipfile_serialization=False)
    raw = path.read_bytes()
    assert b'numpy._core.multiarray' in raw or b'numpy.core.multiarray' in raw
    path.write_bytes(raw.replace(b'numpy._core.multiarray', b'numpy.core.multiarray'))
    assert b'numpy.core.multiarray' in path.read_bytes()
    ckpt = _load_checkpoint(str(path), map_location='cpu')
    np.testing.assert_allclose(ckpt['meta']['dataset_meta']['sigmas'], [0.026, 0.025])


@pytest.mark.parametrize('fmt', ['zip', 'legacy', 'pickle'])
def test_malicious_checkpoint_is_refused_naming_the_global_and_not_run(tmp_path, fmt):
    """Every pickle format: torch's zip, torch's legacy format, a plain pickle."""
    import pickle

    from mmengine.runner.checkpoint import _load_checkpoint
    marker = tmp_path / 'pwned'
    evil = Evil()
    evil.marker = marker
    path = tmp_path / 'evil.pth'
    payload = dict(state_dict={}, payload=evil)
    if fmt == 'pickle':
        with open(path, 'wb') as f:
            pickle.dump(payload, f)
    else:
        torch.save(payload, path, _use_new_zipfile_serialization=fmt == 'zip')
    with pytest.raises(UntrustedCheckpointError) as info:
        _load_checkpoint(str(path), map_location='cpu')
    message = str(info.value)
    assert f'it needs {os.system.__module__}.system' in message, message
    assert TRUSTED_ENV in message and 'trust_checkpoint' in message and '\n' not in message
    assert not marker.exists()


def test_explicit_opt_in_loads_a_trusted_file(tmp_path, monkeypatch):
    from mmengine.runner.checkpoint import _load_checkpoint
    path = tmp_path / 'fraction.pth'
    torch.save(dict(value=fractions.Fraction(1, 3)), path)
    with pytest.raises(UntrustedCheckpointError, match='fractions.Fraction'):
        _load_checkpoint(str(path))
    monkeypatch.setenv(TRUSTED_ENV, str(path))
    assert _load_checkpoint(str(path))['value'] == fractions.Fraction(1, 3)
    monkeypatch.delenv(TRUSTED_ENV)
    compat.trust_checkpoint(path)
    assert _load_checkpoint(str(path))['value'] == fractions.Fraction(1, 3)


def test_missing_checkpoint_is_a_clear_error(tmp_path):
    from mmengine.runner.checkpoint import _load_checkpoint
    with pytest.raises(FileNotFoundError, match='nothere.pth'):
        _load_checkpoint(str(tmp_path / 'nothere.pth'))


def test_failed_download_says_what_to_do(tmp_path):
    from rtmpose_plugin.compat.checkpoint import download_checkpoint
    with pytest.raises(RuntimeError, match='cannot download .*Offline, put the file at .*x.pth'):
        download_checkpoint('http://127.0.0.1:9/x.pth', str(tmp_path))


@pytest.mark.parametrize('content', [b'not a checkpoint at all\n' * 10, b'',
                                     b'PK\x03\x04 broken zip', b'\x89PNG\r\n\x1a\n' + b'\0' * 64])
def test_a_file_that_is_no_checkpoint_is_named_as_such(tmp_path, content):
    from rtmpose_plugin.compat.checkpoint import NotACheckpointError, load_checkpoint_file
    path = tmp_path / 'model.pth'
    path.write_bytes(content)
    with pytest.raises(NotACheckpointError, match='is not a checkpoint: neither') as e:
        load_checkpoint_file(str(path))
    assert 'allow-list' not in str(e.value)  # not told to trust what is no checkpoint
