"""Parameters and FLOPs of the pose configs against the RTMPose paper (Table 9), within 2%."""
import pytest

from rtmpose_plugin.analysis import complexity

PAPER = {  # config: (params M, GFLOPs)
    'rtmpose-t_8xb256-420e_coco-256x192.py': (3.34, 0.36),
    'rtmpose-s_8xb256-420e_coco-256x192.py': (5.47, 0.68),
    'rtmpose-m_8xb256-420e_coco-256x192.py': (13.59, 1.93),
    'rtmpose-l_8xb256-420e_coco-256x192.py': (27.66, 4.16),
    'rtmpose-m_8xb256-420e_aic-coco-384x288.py': (13.72, 4.33),
    'rtmpose-l_8xb256-420e_aic-coco-384x288.py': (27.79, 9.35),
}


@pytest.mark.parametrize('config', sorted(PAPER))
def test_params_and_flops_match_the_paper(config):
    params, gflops = complexity(config)
    paper_params, paper_gflops = PAPER[config]
    assert params / 1e6 == pytest.approx(paper_params, rel=0.02)
    assert gflops == pytest.approx(paper_gflops, rel=0.02)
