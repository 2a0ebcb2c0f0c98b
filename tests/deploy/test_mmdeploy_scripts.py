"""MMDeploy's own scripts (``../shared/mmdeploy-tools``: ``deploy.py``, ``test.py``,
``profiler.py``, unchanged) with our smoke config and MMDeploy's own deploy configs, as an
MMDeploy user runs them: ONNX Runtime fp32 (MMDeploy's deploy config), fp16, OpenVINO and
ncnn (ours, ``configs/deploy/``), and mmpose's own RTMPose-t config with the plugin imported
(MMDeploy's deploy config). Each conversion is compared with our exporter's
(``tools/deploy.py``) on real crops, and each ``test.py`` AP with PyTorch's. Slow: the
scripts start a process per step (~4 min in all, two at a time)."""
import json
import os
import os.path as osp
import re
import subprocess
import sys

import numpy as np
import pytest

from rtmpose_plugin.core import decode_simcc
from rtmpose_plugin.runtime.sessions import NcnnSession, OnnxRuntimeSession, OpenVINOSession

from ..conftest import ROOT, SHARED_DATA
from .parity import assert_parity, preprocess

pytestmark = pytest.mark.slow
TOOLS = osp.join(osp.dirname(SHARED_DATA), 'mmdeploy-tools')
IMAGE = osp.join(SHARED_DATA, 'coco', '000000000785.jpg')
MMPOSE_T = 'mmpose::body_2d_keypoint/rtmpose/coco/rtmpose-t_8xb256-420e_coco-256x192.py'
MMDEPLOY_ORT = osp.join(TOOLS, 'configs', 'mmpose', 'pose-detection_simcc_onnxruntime_dynamic.py')
OURS = osp.join(ROOT, 'configs', 'deploy')
#: name -> (deploy config, the backend files test.py takes, our backend and precision)
RUNS = {
    'ort': (MMDEPLOY_ORT, ['end2end.onnx'], ('onnxruntime', 'fp32')),
    'ort-fp16': (osp.join(OURS, 'pose-detection_simcc_onnxruntime-fp16_dynamic-256x192.py'),
                 ['end2end.onnx'], ('onnxruntime', 'fp16')),
    'openvino': (osp.join(OURS, 'pose-detection_simcc_openvino_dynamic-256x192.py'),
                 ['end2end.xml'], ('openvino', 'fp32')),
    'ncnn': (osp.join(OURS, 'pose-detection_simcc_ncnn-256x192.py'),
             ['end2end.param', 'end2end.bin'], ('ncnn', 'fp32')),
}


def script(name):
    path = osp.join(TOOLS, name)
    if not osp.isfile(path):
        pytest.fail(f'{path} is missing: the tests need ../shared/mmdeploy-tools')
    return path


def run_all(commands, cwd, parallel=2):
    """Run (name, argv) commands two at a time in ``cwd`` (where test.py leaves its
    ``work_dir``, not the checkout); name -> (exit status, output)."""
    env = dict(os.environ, PYTHONPATH=ROOT)
    results, queue, running = {}, list(commands), []
    while queue or running:
        while queue and len(running) < parallel:
            name, argv = queue.pop(0)
            running.append((name, subprocess.Popen(
                [sys.executable, *argv], cwd=cwd, env=env, text=True,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)))
        name, proc = running.pop(0)
        out, _ = proc.communicate(timeout=600)
        results[name] = (proc.returncode, out)
    return results


def coco_ap(output):
    found = re.findall(r'coco/AP: ([0-9.]+)', output)
    assert found, output[-3000:]
    return float(found[-1])


@pytest.fixture(scope='module')
def mmpose_config(tmp_path_factory):
    """mmpose's own RTMPose-t config, inheriting it as an MMDeploy user would with the plugin
    named in ``custom_imports`` (the stack fixes in every process), on the COCO samples."""
    coco = osp.join(SHARED_DATA, 'coco') + '/'
    path = tmp_path_factory.mktemp('mmpose_config') / 'rtmpose-t_coco-sample.py'
    path.write_text(f"""_base_ = ['{MMPOSE_T}']
custom_imports = dict(imports=['rtmpose_plugin'], allow_failed_imports=False)
model = dict(backbone=dict(init_cfg=None))
test_dataloader = dict(batch_size=4, num_workers=0, persistent_workers=False, dataset=dict(
    data_root='{coco}', ann_file='test_coco.json', data_prefix=dict(img=''), bbox_file=None))
test_evaluator = dict(ann_file='{coco}test_coco.json')
""")
    return str(path)


@pytest.fixture(scope='module')
def scripts(trained_smoke, mmpose_config, tmp_path_factory):
    """Every run: deploy.py --dump-info, then test.py on what it wrote, then profiler.py."""
    config = osp.join(osp.dirname(trained_smoke['checkpoint']),
                      osp.basename(trained_smoke['config']))  # the run's dump: absolute data root
    ckpt = trained_smoke['checkpoint']
    work = {name: str(tmp_path_factory.mktemp(f'mmdeploy_{name}')) for name in RUNS}
    work['mmpose'] = str(tmp_path_factory.mktemp('mmdeploy_mmpose'))
    runs = dict(RUNS, mmpose=RUNS['ort'])
    configs = {name: mmpose_config if name == 'mmpose' else config for name in runs}
    deploy_cfg = {name: runs[name][0] for name in runs}
    cwd = str(tmp_path_factory.mktemp('mmdeploy_cwd'))
    deploys = run_all([(name, [script('deploy.py'), deploy_cfg[name], configs[name], ckpt, IMAGE,
                               '--work-dir', work[name], '--device', 'cpu', '--dump-info'])
                       for name in runs], cwd)
    tests = run_all([(name, [script('test.py'), deploy_cfg[name], configs[name], '--model',
                             *[osp.join(work[name], f) for f in runs[name][1]],
                             '--device', 'cpu'])
                     for name in runs if deploys[name][0] == 0]
                    + [('profiler', [script('profiler.py'), deploy_cfg['ort'], config,
                                     osp.join(SHARED_DATA, 'coco'), '--model',
                                     osp.join(work['ort'], 'end2end.onnx'), '--device', 'cpu',
                                     '--shape', '256x192', '--num-iter', '10', '--warmup', '2'])],
                    cwd)
    return dict(work=work, deploy=deploys, test=tests)


@pytest.mark.parametrize('name', [*RUNS, 'mmpose'])
def test_deploy_py_dump_info_writes_the_sdk_folder(scripts, export, name):
    status, out = scripts['deploy'][name]
    assert status == 0, out[-4000:]
    assert 'All process success' in out
    work = scripts['work'][name]
    for f in RUNS.get(name, RUNS['ort'])[1] + ['deploy.json', 'pipeline.json', 'detail.json']:
        assert osp.isfile(osp.join(work, f)), f
    # visualised through MMDeploy's backend model: our codec decoded both axes there
    assert osp.isfile(osp.join(work, f'output_{RUNS.get(name, RUNS["ort"])[2][0]}.jpg'))
    with open(osp.join(work, 'pipeline.json')) as f:
        post = json.load(f)['pipeline']['tasks'][-1]
    assert post['component'] == 'SimCCLabelDecode'
    if name != 'mmpose':  # the same postprocess as tools/deploy.py writes
        ours = export(*RUNS[name][2])
        with open(ours['pipeline.json']) as f:
            assert json.load(f)['pipeline']['tasks'][-1] == post


@pytest.mark.parametrize('name', [*RUNS, 'mmpose'])
def test_test_py_ap_equals_pytorch(scripts, trained_smoke, name):
    assert name in scripts['test'], 'deploy.py failed'
    status, out = scripts['test'][name]
    assert status == 0, out[-4000:]
    assert abs(coco_ap(out) - trained_smoke['metrics']['coco/AP']) <= 0.02


def test_profiler_py_times_the_onnxruntime_model(scripts):
    status, out = scripts['test']['profiler']
    assert status == 0, out[-4000:]
    assert re.search(r'\|\s+Mean\s+\|\s+[0-9.]+\s+\|', out), out[-2000:]


def session(name, folder):
    files = [osp.join(folder, f) for f in RUNS[name][1]]
    if name == 'openvino':
        return OpenVINOSession(files[0], precision='fp32')
    if name == 'ncnn':
        return NcnnSession(*files)
    return OnnxRuntimeSession(files[0])


def keypoints(sess, crops):
    x = preprocess(crops)
    outs = [sess.run(x[i:i + 1]) for i in range(len(x))]
    sx, sy = (np.concatenate([o[i] for o in outs]) for i in (0, 1))
    kp, scores = decode_simcc(sx, sy)
    return dict(x=sx, y=sy, keypoints=kp, scores=scores)


@pytest.mark.parametrize('name, bound', [('ort', 0.0), ('ort-fp16', 0.0), ('openvino', 0.5),
                                         ('ncnn', 0.5)])
def test_mmdeploy_conversions_equal_ours(scripts, export, crops, name, bound):
    """MMDeploy's conversion (its own, or our stand-in for mo and mmdeploy_onnx2ncnn) and
    ours of the same model give the same keypoints: ONNX Runtime exactly (one export, one
    fp16 conversion), OpenVINO and ncnn (other converters) within 0.5 px at fp32."""
    assert scripts['deploy'][name][0] == 0, 'deploy.py failed'
    ours = export(*RUNS[name][2])
    theirs = keypoints(session(name, scripts['work'][name]), crops)
    mine = keypoints(session(name, osp.dirname(ours['model'])) if name != 'ort-fp16' else
                     OnnxRuntimeSession(ours['model']), crops)
    if bound == 0.0:
        np.testing.assert_array_equal(theirs['keypoints'], mine['keypoints'])
        np.testing.assert_allclose(theirs['scores'], mine['scores'], atol=1e-5)
    else:
        assert_parity(theirs['keypoints'], mine, bound)


def test_mmdeploy_inference_model_on_our_codec(scripts, trained_smoke):
    """MMDeploy's Python entry (``mmdeploy.apis.inference_model``) on the converted model
    gives mmpose's ``inference_topdown`` keypoints on PyTorch (the whole image as the box,
    no flip test: MMDeploy's backend model runs none)."""
    from mmdeploy.apis import inference_model
    from mmpose.apis import inference_topdown, init_model
    assert scripts['deploy']['ort'][0] == 0, 'deploy.py failed'
    config = osp.join(osp.dirname(trained_smoke['checkpoint']),
                      osp.basename(trained_smoke['config']))
    result = inference_model(config, RUNS['ort'][0],
                             [osp.join(scripts['work']['ort'], 'end2end.onnx')], IMAGE, 'cpu')
    pred = result[0].pred_instances
    model = init_model(config, trained_smoke['checkpoint'], device='cpu',
                       cfg_options=dict(model=dict(test_cfg=dict(flip_test=False))))
    ref = inference_topdown(model, IMAGE)[0].pred_instances
    assert pred.keypoints.shape == ref.keypoints.shape == (1, 17, 2)
    np.testing.assert_allclose(pred.keypoints, ref.keypoints, atol=0.01)
    np.testing.assert_allclose(pred.keypoint_scores, ref.keypoint_scores, atol=1e-3)
