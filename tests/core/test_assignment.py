"""core.assignment against SciPy; core.image against mmcv's transforms."""
import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment as scipy_lsa

from rtmpose_plugin.core.assignment import linear_sum_assignment


@pytest.mark.parametrize('shape', [(1, 1), (3, 3), (4, 7), (7, 4), (12, 12), (0, 3), (3, 0)])
def test_assignment_equals_scipy(shape):
    rng = np.random.default_rng(sum(shape))
    for _ in range(50):
        cost = rng.random(shape)
        if rng.random() < 0.3:  # ties, as OKS of identical poses give
            cost = np.round(cost, 1)
        rows, cols = linear_sum_assignment(cost)
        ref_rows, ref_cols = scipy_lsa(cost)
        assert len(rows) == len(ref_rows) == min(shape)
        assert np.all(np.diff(rows) > 0) and len(set(cols)) == len(cols)
        assert cost[rows, cols].sum() == pytest.approx(cost[ref_rows, ref_cols].sum(), abs=1e-12)


def test_assignment_rejects_what_is_no_cost_matrix():
    with pytest.raises(ValueError, match='2-D'):
        linear_sum_assignment(np.zeros(3))
    with pytest.raises(ValueError, match='finite'):
        linear_sum_assignment(np.array([[0.0, np.nan]]))


