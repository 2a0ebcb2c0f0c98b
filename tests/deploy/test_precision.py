"""The precision gate (deploy/precision.py) on models of known drift: what it measures,
when it falls back, what it refuses and what it records."""
import json

import numpy as np
import pytest

from rtmpose_plugin.deploy.precision import (DEFAULT_BOUND, FALLBACK_GROUPS, PrecisionCheck,
                                             PrecisionError, check_bound, drift, gate,
                                             layer_patterns, matching_nodes, read_check,
                                             write_check)
from rtmpose_plugin.runtime.meta import resolve_meta

META = resolve_meta(None, 'test', None, 'coco', 'pose', (None, 3, 256, 192))
CROPS = np.zeros((6, 256, 192, 3), np.uint8)
rng = np.random.default_rng(0)
KEYPOINTS = rng.uniform(20, 170, (6, 17, 2))


class Fake:
    """A pose model whose keypoints are the reference's moved by ``shift`` px."""
    meta = META

    def __init__(self, shift=0.0, nan=False):
        self.shift, self.nan = shift, nan

    def __call__(self, crops):
        n = len(crops)
        kp = KEYPOINTS[:n] + self.shift
        if self.nan:
            kp = kp.copy()
            kp[0, 0] = np.nan
        return kp.astype(np.float32), np.ones((n, 17), np.float32)


def test_drift_in_pixels_and_oks():
    exact = drift(Fake(), Fake(), CROPS)
    assert exact['mean_oks'] == pytest.approx(1.0) and exact['max_px'] == 0
    moved = drift(Fake(), Fake(shift=3.0), CROPS)
    assert moved['max_px'] == pytest.approx(3 * np.sqrt(2), rel=1e-5)
    assert moved['p99_px'] == pytest.approx(3 * np.sqrt(2), rel=1e-5)
    assert 0 < moved['mean_oks'] < 1 and moved['crops'] == 6
    # a non-finite output (an fp16 overflow) is a lost crop: OKS 0, the diagonal in px
    lost = drift(Fake(), Fake(nan=True), CROPS)
    assert lost['mean_oks'] == pytest.approx(5 / 6)
    assert lost['max_px'] == pytest.approx(np.hypot(192, 256))


def test_the_fallback_goes_group_by_group_until_it_passes():
    made = []

    def make(groups):  # passes once the attention is kept in fp32 too
        made.append(list(groups))
        return Fake(shift=0.0 if 'attention' in groups else 8.0)

    check = gate(make, Fake(), CROPS, 'onnxruntime', 'int8')
    assert made == [[], ['norm'], ['norm', 'attention']]
    assert [g for g, _ in FALLBACK_GROUPS] == ['norm', 'attention', 'classifiers', 'stem']
    assert check.passed and check.fp32_layers == ['norm', 'attention']
    assert [a['fp32_layers'] for a in check.attempts] == made
    assert check.attempts[0]['mean_oks'] < DEFAULT_BOUND <= check.mean_oks
    assert check.fallback_speed is not None and check.fallback_speed > 0
    assert 'fp32 layers: norm, attention' in check.line()


def test_refused_in_one_line_unless_drift_is_allowed():
    def make(groups):
        return Fake(shift=8.0)

    with pytest.raises(PrecisionError) as e:
        gate(make, Fake(), CROPS, 'openvino', 'int8')
    line = str(e.value)
    assert '\n' not in line and '--allow-drift' in line and 'mean OKS' in line
    assert 'norm+attention+classifiers+stem' in line  # every fallback tried, with its figure
    with pytest.raises(PrecisionError):  # fallback off: the pure model alone
        gate(make, Fake(), CROPS, 'openvino', 'int8', fallback=False)
    kept = gate(make, Fake(), CROPS, 'openvino', 'int8', allow_drift=True, fallback=False)
    assert not kept.passed and len(kept.attempts) == 1 and 'FAILED' in kept.line()


def test_a_backend_without_fallback_is_measured_once():
    calls = []

    def make(groups):
        calls.append(groups)
        return None if groups else Fake(shift=8.0)

    check = gate(make, Fake(), CROPS, 'ncnn', 'fp16', allow_drift=True)
    assert calls == [[], ['norm']] and check.fp32_layers == [] and not check.passed


OUTSIDE = r'precision bound \(a mean OKS\) must be a finite number in \[0, 1\]'


@pytest.mark.parametrize('bad', [1.5, -0.1, 'high', None])
def test_a_bound_outside_0_1_is_refused(bad):
    with pytest.raises(ValueError, match=OUTSIDE):
        check_bound(bad)
    with pytest.raises(ValueError, match=OUTSIDE):
        gate(lambda g: Fake(), Fake(), CROPS, 'onnxruntime', 'int8', bound=bad)


def test_the_groups_name_the_head_layers_of_our_export():
    names = ['/backbone/stage2/stage2.1/main_conv/conv/Conv', '/final_layer/Conv', '/Reshape',
             '/mlp/mlp.0/ReduceL2', '/mlp/mlp.1/MatMul', '/gau/ln/Mul', '/gau/uv/MatMul',
             '/gau/Softmax', '/cls_x/MatMul', 'simcc_y', '/backbone/stem/stem.0/conv/Conv']
    groups = [g for g, _ in FALLBACK_GROUPS]
    assert matching_nodes(names, layer_patterns(groups[:1])) == [
        '/final_layer/Conv', '/Reshape', '/mlp/mlp.0/ReduceL2', '/mlp/mlp.1/MatMul',
        '/gau/ln/Mul']
    # the stem, never the rest of the backbone
    assert matching_nodes(names, layer_patterns(groups)) == names[1:]
    with pytest.raises(ValueError, match='unknown fallback group'):
        layer_patterns(['backbone'])


def test_the_check_is_kept_in_detail_json(tmp_path):
    (tmp_path / 'detail.json').write_text(json.dumps({'version': '1.3.1'}))
    check = PrecisionCheck('onnxruntime', 'int8', 0.995, 1.2, 3.4, 21, 0.99, True, ['norm'])
    write_check(str(tmp_path), check)
    doc = json.loads((tmp_path / 'detail.json').read_text())
    assert doc['version'] == '1.3.1'  # MMDeploy's own fields kept
    assert set(doc['precision_check']) >= {'mean_oks', 'p99_px', 'max_px', 'crops', 'bound',
                                           'passed', 'fp32_layers'}
    assert read_check(str(tmp_path)) == check
    assert read_check(str(tmp_path / 'none')) is None


# ------------------------------------------------------------- planted failures, exported

def _planted(trained_smoke, path, edit):
    """The smoke checkpoint edited so that fp32 is unchanged and a reduced precision is not."""
    import torch

    from rtmpose_plugin.compat.checkpoint import load_checkpoint_file
    state = load_checkpoint_file(trained_smoke['checkpoint'])['state_dict']
    with torch.no_grad():
        edit(state)
    torch.save(dict(state_dict=state, meta={}), str(path))
    return str(path)


def outlier_channel(state):
    """One keypoint's channel of the 7x7 conv x1000: INT8's activation range then spans it,
    and every other channel rounds to a few levels. ScaleNorm divides each keypoint's map by
    its norm, so fp32 is unchanged."""
    state['head.final_layer.weight'][3] *= 1000
    state['head.final_layer.bias'][3] *= 1000


def past_fp16(state):
    """The 7x7 conv, ScaleNorm's input, x1e8: its weights pass 65504 and fp16 clips them;
    ScaleNorm divides by the norm, so fp32 is unchanged."""
    state['head.final_layer.weight'] *= 1e8
    state['head.final_layer.bias'] *= 1e8


@pytest.mark.slow
@pytest.mark.parametrize('backend, precision, edit', [
    ('onnxruntime', 'int8', outlier_channel), ('openvino', 'int8', outlier_channel),
    ('onnxruntime', 'fp16', past_fp16)])
def test_the_gate_catches_a_planted_failure_and_the_fallback_mends_it(
        trained_smoke, crops, tmp_path, backend, precision, edit, record_property):
    from rtmpose_plugin.deploy import deploy
    from rtmpose_plugin.inference.opener import open_pose_model
    ckpt = _planted(trained_smoke, tmp_path / 'planted.pth', edit)
    sdk = tmp_path / 'sdk'
    deploy(trained_smoke['config'], ckpt, str(sdk), backend, precision, calibration=crops)
    check = read_check(str(sdk))
    record_property('attempts', check.attempts)
    plain = check.attempts[0]['mean_oks']
    assert plain < (0.5 if precision == 'int8' else DEFAULT_BOUND), check.attempts
    assert check.passed and check.mean_oks >= DEFAULT_BOUND and check.fp32_layers
    assert check.fallback_speed > 0
    # what was kept is what the gate measured: the folder opens with its check
    model = open_pose_model(str(sdk), backend=backend)
    assert model.precision_check == check
    assert drift_against_fp32(model, str(sdk / 'end2end.onnx'), crops) >= DEFAULT_BOUND
    # without the fallback: refused in one line, and nothing of the export is left
    with pytest.raises(PrecisionError, match='--allow-drift'):
        deploy(trained_smoke['config'], ckpt, str(tmp_path / 'refused'), backend, precision,
               calibration=crops, fallback=False)
    assert not (tmp_path / 'refused').exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ['planted.pth', 'sdk']


def drift_against_fp32(model, onnx_path, crops):
    from rtmpose_plugin.runtime.backends import open_session
    from rtmpose_plugin.runtime.estimators import PoseModel
    reference = PoseModel(open_session(onnx_path, 'onnxruntime', 'fp32'), model.meta)
    return drift(reference, model, crops)['mean_oks']
