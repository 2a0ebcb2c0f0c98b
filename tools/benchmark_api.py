"""The front door's cost (docs/benchmarks.md).

The API over the pipeline, cold start and the rtmlib-shaped call against rtmlib's, each
with an A/A row.

    python tools/benchmark_api.py [--pose SDK_DIR] [--data ../shared/data]
        [--backends onnxruntime openvino] [--only-call]

Without --pose, RTMPose-m (COCO, 256x192) with random weights is exported once (speed
does not depend on the weights); the detector is the real RTMDet-nano of the sample
data. The logic is tools/benchmarks/api.py.
"""
import argparse
import os
import os.path as osp
import sys
import tempfile
import warnings

warnings.filterwarnings('ignore')
os.environ.setdefault('NO_ALBUMENTATIONS_UPDATE', '1')

from benchmarks import api as bench  # noqa: E402

HERE = osp.dirname(osp.abspath(__file__))


def export_random(config: str, work: str) -> str:
    os.makedirs(work, exist_ok=True)
    sys.path.insert(0, osp.dirname(HERE))
    from tests.conftest import random_checkpoint

    from rtmpose_plugin.deploy import deploy
    deploy(config, random_checkpoint(config, osp.join(work, 'random.pth')), osp.join(work, 'sdk'))
    return osp.join(work, 'sdk')


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--pose', help='an exported RTMPose 256x192 SDK folder')
    p.add_argument('--backends', nargs='+', default=['onnxruntime', 'openvino'])
    p.add_argument('--only-call', action='store_true', help='only the solution-call table')
    p.add_argument('--data', default=osp.join(osp.dirname(osp.dirname(HERE)), 'shared', 'data'))
    args = p.parse_args()
    det = osp.join(args.data, 'models', 'rtmdet-nano-person')
    work = tempfile.mkdtemp(prefix='bench-api-')
    os.environ.setdefault('RTMPOSE_PLUGIN_HOME', osp.join(work, 'home'))
    pose = args.pose or export_random('rtmpose-m_8xb256-420e_coco-256x192.py', work)
    pose_onnx, det_onnx = osp.join(pose, 'end2end.onnx'), osp.join(det, 'end2end.onnx')

    if not args.only_call:
        o = bench.api_overhead(pose, det, osp.join(args.data, 'video', 'street.mp4'))
        print(f"API overhead: RTMDet-nano + RTMPose-m, ONNX Runtime fp32, street.mp4 looped "
              f"({o['people']:.1f} people a frame), frames/s over 4 interleaved passes")
        print('| runner | frames/s | ratio to PosePipeline |\n|---|---|---|')
        for name in ('api', 'pipeline', 'pipeline_again'):
            print(f"| {name} | {o[name]:.1f} | {o[name] / o['pipeline']:.3f} |", flush=True)

        c = bench.cold_start(pose_onnx, det_onnx, osp.join(args.data, 'coco', '000000196141.jpg'))
        print('\nCold start: process start to the first result, cached ONNX files, ONNX Runtime, '
              'median of 7 alternating processes')
        print('| runner | seconds | ratio to rtmlib |\n|---|---|---|')
        for name in ('ours', 'ours_again', 'rtmlib'):
            print(f"| {name} | {c[name]:.3f} | {c[name] / c['rtmlib']:.3f} |", flush=True)

    print('\nThe solution call: Custom(det, pose)(image), RTMDet-nano and RTMPose, the same ONNX '
          'files on the same backend, ms per call (median of 30, interleaved)')
    print('| backend | pose model | people (found: ours / rtmlib) | ours | ours again (A/A) | '
          'rtmlib | speed-up over rtmlib | A/A ratio |\n|---|---|---|---|---|---|---|---|')
    t_sdk = export_random('rtmpose-t_8xb256-420e_coco-256x192.py', osp.join(work, 't'))
    for backend in args.backends:
        for label, sdk in (('RTMPose-t', t_sdk), ('RTMPose-m', pose)):
            for n in (1, 6):
                s = bench.solution_call(osp.join(sdk, 'end2end.onnx'), det_onnx, args.data, n,
                                        backend=backend)
                print(f"| {backend} {s['precision']} | {label} | {n} ({s['found_ours']:.0f} / "
                      f"{s['found_rtmlib']:.0f}) | {s['ours']:.1f} | {s['ours_again']:.1f} | "
                      f"{s['rtmlib']:.1f} | {s['rtmlib'] / s['ours']:.2f}x | "
                      f"{s['ours_again'] / s['ours']:.3f} |", flush=True)
