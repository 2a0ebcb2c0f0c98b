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


def test_training_benchmark_runs_both_recipes():
    import pytest

    from rtmpose_plugin.benchmark.training import measure

    from .conftest import SHARED_DATA
    result = measure(SHARED_DATA, workers=0, batch=4, steps=1, warmup=0)
    assert result.ours > 0 and result.ref > 0
    assert result.row().startswith('| 0 |')
    assert result.ratio == pytest.approx(result.ours / result.ref)


def test_deployment_benchmark_times_ours_and_mmpose(tmp_path):
    from rtmpose_plugin.benchmark.deployment import CASES, run_case
    results = run_case(CASES[0], str(tmp_path), ['onnxruntime'], [1], warmup=1, runs=3)
    assert len(results) == 1
    r = results[0]
    assert r.ours[0] > 0 and r.ref[0] > 0 and r.params == 3337007
    assert r.row().startswith('| RTMPose-t 256x192 | onnxruntime | 1 |')


def test_pipeline_speed_benchmark_runs_ours_and_rtmlib(tmp_path):
    from rtmpose_plugin.benchmark.deployment import CASES, _mmpose_config, shared_checkpoint
    from rtmpose_plugin.benchmark.pipeline import speed
    from rtmpose_plugin.benchmark.synthetic import make_scene
    from rtmpose_plugin.apis import find_config
    from rtmpose_plugin.deploy.onnx import export_onnx
    _, inp, ours, ref = CASES[0]
    ckpt = shared_checkpoint(_mmpose_config(ref), str(tmp_path / 't.pth'))
    onnx = export_onnx(find_config(ours), ckpt, str(tmp_path), input_size=inp)
    fps = speed(onnx, make_scene(people=2, frames=4), det_interval=1, repeats=1)
    assert all(fps[k] > 0 for k in ('batched', 'one_by_one', 'rtmlib'))
