"""The ``rtmpose`` command: subcommands, usage errors, the names listed, a name without a
published zip on a machine without the training stack, and ``download`` against a
local mirror."""
import os.path as osp
import subprocess
import sys

import pytest

from rtmpose_plugin import console, hub

from .conftest import ROOT, shared


def rtmpose(*args, env=None):
    return subprocess.run([sys.executable, '-m', 'rtmpose_plugin.console', *args],
                          capture_output=True, text=True, cwd=ROOT, env=env)


def test_usage_and_unknown_commands():
    assert console.main([]) == 2
    assert console.main(['--help']) == 0
    assert console.main(['pse']) == 2


def test_the_command_runs_as_a_module_and_lists_names(capsys):
    assert console.main(['models', 'wholebody']) == 0
    out = capsys.readouterr().out
    assert 'wholebody-l-384' in out and 'coco_wholebody' in out and 'zip' in out
    assert console.main(['models', 'no-such-thing']) == 1
    rows = {r.split()[0]: r.split() for r in console.model_rows()}
    assert rows['rtmdet-nano'][1:4] == ['detection', 'person', 'zip']
    assert rows['body'][1:4] == ['pose', 'coco', 'zip']
    assert rows['wholebody-ubody'][3] == 'no' and rows['rtmpose-t'][3] == 'export'


def test_a_name_without_a_zip_and_no_training_stack_says_both_ways_out(monkeypatch):
    from rtmpose_plugin.inference import opener as models
    monkeypatch.setattr(models, 'training_stack_missing', lambda: ['torch', 'mmpose'])
    code, line = console.run_pose([shared('coco', '000000196141.jpg'), '--pose', 'rtmpose-t',
                                   '--det', shared('models', 'rtmdet-nano-person'),
                                   '--no-progress', '--out', '/tmp/unused-rtmpose-out'])
    assert code == 1 and '\n' not in line
    assert 'no published ONNX SDK zip' in line and 'torch, mmpose not installed' in line
    assert 'give an SDK folder or zip' in line
    assert not osp.exists('/tmp/unused-rtmpose-out/results.jsonl')


def test_unknown_names_list_close_matches():
    code, line = console.run_pose([shared('coco', '000000196141.jpg'), '--pose', 'wholebdy',
                                   '--det', 'rtmdet-nano', '--no-progress'])
    assert code == 1 and 'did you mean wholebody' in line
    proc = rtmpose('download', 'hnad')
    assert proc.returncode == 2 and 'did you mean hand' in proc.stderr


def test_download_fetches_a_published_zip_into_the_cache(tmp_path):
    from .model_server import OPENMMLAB_ZIPS, ModelServer, zip_sdk_folder
    root = tmp_path / 'served'
    zip_sdk_folder(shared('models', 'rtmdet-nano-person'), str(root) + OPENMMLAB_ZIPS +
                   'rtmdet_nano_8xb32-100e_coco-obj365-person-05d8511e.zip')
    import os
    with ModelServer(str(root)) as server:
        env = dict(os.environ, **{hub.BASE_URL_ENV: server.url,
                                  hub.HOME_ENV: str(tmp_path / 'home')})
        proc = rtmpose('download', 'rtmdet-nano', env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    folder = proc.stdout.split('rtmdet-nano: ', 1)[1].strip()
    assert folder.startswith(str(tmp_path / 'home')) and osp.isfile(osp.join(folder,
                                                                             'deploy.json'))
    with pytest.raises(SystemExit):  # a name with no zip is a usage error
        console._download(['rtmpose-t'])
