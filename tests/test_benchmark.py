"""The benchmark code runs and reports sane numbers (timings themselves are not asserted)."""
from rtmpose_plugin.benchmark.modules import run_all
from rtmpose_plugin.benchmark.timing import compare


def test_compare_measures_both_sides():
    result = compare('sum', lambda: sum(range(1000)), lambda: sum(range(100000)), repeats=5)
    assert result.ours_s > 0 and result.ref_s > 0
    assert result.ratio < 1  # summing 100x more numbers is slower
    assert result.row().startswith('| sum |')


def test_module_benchmarks_run():
    results = run_all(quick=True)
    assert [r.name.split(' ')[0] for r in results] == ['SimCC', 'SimCC', 'head', 'head']
    assert all(r.ours_s > 0 and r.ref_s > 0 for r in results)
