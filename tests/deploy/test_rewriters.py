"""Deployment parity on real person crops from ../shared/data: the smoke-trained
RTMPose-t in PyTorch against each backend it is exported to. Slow: ~1 min."""

import pytest
import torch



pytestmark = pytest.mark.slow
INPUT = (192, 256)


def test_ncnn_rewriters_give_ncnn_friendly_onnx(tmp_path):
    """MMDeploy's ONNX route for ncnn: our head and GAU without Split, with positive
    axes, computing the same logits."""
    import onnx
    from mmdeploy.apis.onnx import export
    from mmengine.config import Config

    from rtmpose_plugin.config import find_config
    from rtmpose_plugin.models import RTMSimCCHead
    torch.manual_seed(0)
    head = RTMSimCCHead(384, 17, (192, 256), (6, 8)).eval()
    head.init_weights()
    feats = torch.randn(1, 384, 8, 6)

    class Head(torch.nn.Module):

        def __init__(self):
            super().__init__()
            self.head = head

        def forward(self, x):
            return self.head((x, ))

    deploy_cfg = Config.fromfile(find_config('pose-detection_simcc_ncnn-256x192.py'))
    prefix = str(tmp_path / 'head')
    export(Head(), feats, prefix, backend='ncnn', context_info=dict(deploy_cfg=deploy_cfg),
           input_names=['feats'], output_names=['simcc_x', 'simcc_y'])
    graph = onnx.load(prefix + '.onnx').graph
    ops = {n.op_type for n in graph.node}
    assert 'Split' not in ops and 'ReduceL2' in ops
    for node in graph.node:
        for attr in node.attribute:
            if attr.name in ('axis', 'axes'):
                values = list(attr.ints) or [attr.i]
                assert all(v >= 0 for v in values), (node.op_type, values)
    # MMDeploy's ncnn Gemm takes rank-3 inputs (ncnn's semantics, not ONNX Runtime's):
    # compare the rewritten forward eagerly, inside MMDeploy's rewriter context
    from mmdeploy.core import RewriterContext
    with torch.no_grad():
        rx, ry = head((feats, ))
        with RewriterContext(cfg=deploy_cfg, backend='ncnn'):
            x, y = head((feats, ))
    torch.testing.assert_close(x, rx, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(y, ry, atol=1e-5, rtol=1e-5)
