"""Shared by the deployment tests: real person crops, the smoke model's PyTorch outputs on
them, and our exporter's SDK folders (each made once per session)."""
import pytest
import torch

from rtmpose_plugin.core import decode_simcc
from rtmpose_plugin.datasets.samples import calibration_crops
from rtmpose_plugin.deploy import deploy

from ..conftest import SHARED_DATA
from .parity import INPUT, preprocess


@pytest.fixture(scope='session')
def crops():
    return calibration_crops(SHARED_DATA, INPUT)


@pytest.fixture(scope='session')
def pytorch(trained_smoke, crops):
    """PyTorch logits, keypoints and scores of the crops."""
    from mmpose.apis import init_model
    model = init_model(trained_smoke['config'], trained_smoke['checkpoint'], device='cpu')
    with torch.no_grad():
        sx, sy = model.head(model.extract_feat(torch.from_numpy(preprocess(crops))))
    kp, scores = decode_simcc(sx.numpy(), sy.numpy())
    return dict(x=sx.numpy(), y=sy.numpy(), keypoints=kp, scores=scores)


@pytest.fixture(scope='session')
def export(trained_smoke, tmp_path_factory, crops):
    done = {}

    def run(backend, precision='fp32', decode=False):
        key = (backend, precision, decode)
        if key not in done:
            work = tmp_path_factory.mktemp(f'{backend}_{precision}_{int(decode)}')
            # the gate measures and records; the tests hold each precision to bounds of
            # their own (its refusal: test_precision.py)
            done[key] = deploy(trained_smoke['config'], trained_smoke['checkpoint'], str(work),
                               backend=backend, precision=precision, decode_in_graph=decode,
                               calibration=crops if precision != 'fp32' else None,
                               allow_drift=True)
        return done[key]

    return run
