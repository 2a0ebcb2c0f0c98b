"""The benchmark code runs and reports sane numbers (model timings are not asserted)."""
import pytest

from tools.benchmarks.modules import run_all
from tools.benchmarks.timing import compare


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

    from tools.benchmarks.training import measure

    from ..conftest import SHARED_DATA
    result = measure(SHARED_DATA, workers=0, batch=4, steps=1, warmup=0)
    assert result.ours > 0 and result.ref > 0
    assert result.row().startswith('| 0 |')
    assert result.ratio == pytest.approx(result.ours / result.ref)


def test_deployment_benchmark_times_ours_and_mmpose(tmp_path):
    from tools.benchmarks.deployment import CASES, run_case
    results = run_case(CASES[0], str(tmp_path), ['onnxruntime'], [1], warmup=1, runs=3)
    assert len(results) == 1
    r = results[0]
    assert r.ours[0] > 0 and r.ref[0] > 0 and r.params == 3337007
    assert r.paired[1] <= r.ratio <= r.paired[2] and r.control[1] <= r.control[0] <= r.control[2]
    assert r.row().startswith('| RTMPose-t 256x192 | onnxruntime | 1 |')


def test_paired_ratio_finds_the_faster_function_and_its_interval():
    import time

    from tools.benchmarks.deployment import paired_ratio, time_pair
    t = time_pair(lambda x: time.sleep(0.002), lambda x: time.sleep(0.004), None, warmup=1,
                  runs=20, block=4, control=lambda x: time.sleep(0.002))
    assert t['ours'][0] < t['ref'][0]
    ratio, lo, hi = t['ratio']
    assert lo <= ratio <= hi < 1.0 and ratio == pytest.approx(0.5, abs=0.15)
    assert t['control'][1] <= 1.0 <= t['control'][2] or t['control'][0] == pytest.approx(1, 0.1)
    # equal blocks: ratio 1 with a zero-width interval; a drift shared by both cancels
    assert paired_ratio([[1, 1], [3, 3]], [[1, 1], [3, 3]]) == (1.0, 1.0, 1.0)
    ratio, lo, hi = paired_ratio([[1.0], [1.1], [0.9], [1.0]], [[1.0]] * 4)
    assert lo < 1.0 < hi and ratio == 1.0


def test_pipeline_speed_benchmark_runs_ours_and_rtmlib(tmp_path):
    from tools.benchmarks.deployment import CASES, _mmpose_config, shared_checkpoint
    from tools.benchmarks.pipeline import speed
    from rtmpose_plugin.testing import make_scene
    from rtmpose_plugin.deploy import deploy
    _, inp, ours, ref = CASES[0]
    ckpt = shared_checkpoint(_mmpose_config(ref), str(tmp_path / 't.pth'))
    onnx = str(tmp_path / 'sdk')
    deploy(ours, ckpt, onnx)
    for backend in ('onnxruntime', 'openvino'):
        fps = speed(onnx, make_scene(people=2, frames=4), det_interval=1, repeats=1,
                    backend=backend)
        assert all(fps[k] > 0 for k in ('batched', 'one_by_one', 'rtmlib'))
        assert fps['precision'] in ('fp32', 'bf16') and fps['backend'] == backend
    # ours on another backend than rtmlib's (the defaults-against-defaults row)
    fps = speed(onnx, make_scene(people=2, frames=2), repeats=1, backend='onnxruntime',
                ours=('openvino', 'fp32'))
    assert (fps['backend'], fps['precision']) == ('openvino', 'fp32') and fps['rtmlib'] > 0
    with pytest.raises(ValueError, match='fp32 or bf16'):
        speed(onnx, make_scene(people=2, frames=2), ours=('openvino', 'int8'))


def test_cpu_benchmark_times_every_backend_and_precision(tmp_path):
    from tools.benchmarks.deployment import CASES, run_cpu_case
    from rtmpose_plugin.datasets.samples import calibration_crops

    from ..conftest import SHARED_DATA
    crops = calibration_crops(SHARED_DATA, (192, 256), limit=4)
    results = run_cpu_case(CASES[0], str(tmp_path), [1], crops, warmup=1, runs=2)
    names = [(r.backend, r.precision) for r in results]
    assert names[0] == ('onnxruntime', 'fp32') and ('openvino', 'int8') in names
    assert results[0].baseline == results[0].latency[0]
    assert all(r.latency[0] > 0 and r.row().startswith('| RTMPose-t 256x192 | 1 |')
               for r in results)


def test_pipeline_cost_stand_in_keeps_frame_skip_detection():
    """The random-weight networks' stand-in outputs still let boxes come from poses
    between detections: the detector runs on every 5th frame only."""
    import numpy as np

    from tools.benchmarks.pipeline import _NetworkCost, _with_true_boxes
    from rtmpose_plugin.testing import make_scene, truth_detector
    from rtmpose_plugin.inference.pipeline import PosePipeline

    from rtmpose_plugin.runtime import keypoint_set

    class Net:
        input_size = (192, 256)
        keypoints = keypoint_set('coco')
        calls = 0

        def __call__(self, crops):
            Net.calls += len(crops)
            return np.zeros((len(crops), 17, 2)), np.zeros((len(crops), 17))

    scene = make_scene(people=2, frames=10)
    truth, state = truth_detector(scene)
    det_calls = []
    detect = _with_true_boxes(lambda im: det_calls.append(1), truth)
    pipe = PosePipeline(_NetworkCost(Net()), detector=detect, det_interval=5)
    for f, img in enumerate(scene.frames):
        state['frame'] = f
        result = pipe(img)
        assert len(result.instances) == 2
    assert len(det_calls) == 2 and Net.calls == 20


def test_pipeline_cpu_backends_benchmark_runs(tmp_path):
    from tools.benchmarks.deployment import CASES, _mmpose_config, shared_checkpoint
    from tools.benchmarks.pipeline import cpu_backends_speed
    from rtmpose_plugin.testing import make_scene
    from rtmpose_plugin.datasets.samples import calibration_crops
    from rtmpose_plugin.deploy.export import deploy, deploy_detector

    from ..conftest import SHARED_DATA
    _, inp, ours, ref = CASES[0]
    ckpt = shared_checkpoint(_mmpose_config(ref), str(tmp_path / 't.pth'))
    pose = str(tmp_path / 'pose')
    deploy(ours, ckpt, pose)
    det = str(tmp_path / 'det')
    deploy_detector('rtmdet_nano_320-8xb32_coco-person.py', None, det, 320)
    r = cpu_backends_speed(make_scene(people=2, frames=6), pose, det,
                           calibration_crops(SHARED_DATA, inp, limit=4), threads=1, repeats=1)
    names = list(r['fps'])
    assert names[0] == 'onnxruntime fp32' and r['ratio'][names[0]] == 1.0
    assert any(n.startswith('openvino int8') for n in names)
    assert all(v > 0 for v in r['fps'].values())


def test_api_benchmarks_run_each_side(coco_sdk):
    """The front door's benchmarks (tools/benchmark_api.py) on the RTMPose-t export: each
    runner gives a time, the people image holds people the real detector finds."""
    import os.path as osp

    from tools.benchmarks import api

    from ..conftest import SHARED_DATA, shared
    det = shared('models', 'rtmdet-nano-person')
    o = api.api_overhead(coco_sdk, det, shared('video', 'street.mp4'), loops=1, repeats=1)
    assert {'api', 'pipeline', 'pipeline_again'} <= set(o) and min(o.values()) > 0
    pose_onnx, det_onnx = osp.join(coco_sdk, 'end2end.onnx'), osp.join(det, 'end2end.onnx')
    s = api.solution_call(pose_onnx, det_onnx, SHARED_DATA, 6, repeats=1)
    assert s['ours'] > 0 and s['rtmlib'] > 0 and s['found_ours'] >= 4
    c = api.cold_start(pose_onnx, det_onnx, shared('coco', '000000196141.jpg'), repeats=1)
    assert c['ours'] > 0 and c['rtmlib'] > 0


def test_before_after_benchmark_runs_against_a_copy_of_the_package(coco_sdk):
    """The --before path of tools/benchmark_pipeline.py, against this very code as the
    'before' copy (a real run loads an earlier commit's tree the same way)."""
    import os.path as osp

    from rtmpose_plugin.testing import make_scene
    from tools.benchmarks.pipeline import before_after_speed, load_package_copy

    from ..conftest import ROOT, shared
    before = load_package_copy(osp.join(ROOT, 'rtmpose_plugin'), 'rtmpose_plugin_test_copy')
    r = before_after_speed(make_scene(people=1, frames=10), coco_sdk,
                           shared('models', 'rtmdet-nano-person'), before, repeats=1,
                           block=5, threads=1)
    assert set(r['fps']) == {'after', 'before', 'after_copy'}
    assert all(v > 0 for v in r['fps'].values())
    assert 0.2 < r['after_vs_before'] < 5 and 0.2 < r['aa'] < 5  # the same code both sides
