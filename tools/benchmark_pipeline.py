"""The pipeline.

Quality on a generated 6-person video (ID switches, jitter with and without One-Euro,
error with detection every frame vs every 5th) and speed against rtmlib.

    python tools/benchmark_pipeline.py [--pose SDK_DIR_OR_ONNX]
    python tools/benchmark_pipeline.py --cpu-backends [--threads 1 2]
    python tools/benchmark_pipeline.py --before REV [--threads 1 2]   # REV: any commit with the public opener
    python tools/benchmark_pipeline.py --crowd 1000 3000 10000

Without --pose, an RTMPose-t with random weights is exported (speed does not depend on them).
--cpu-backends: RTMDet-nano + RTMPose-m (random weights), detection every 5th frame, at
1 and 6 people: frames/s on ONNX Runtime fp32 against OpenVINO bf16 and INT8.
--before REV: the same pipeline (ONNX Runtime fp32, the real RTMDet-nano) as this checkout
builds it against commit REV's code, in one process, with an A/A row.
The logic is tools/benchmarks/pipeline.py.
"""
import argparse
import warnings

warnings.filterwarnings('ignore')

from benchmarks import pipeline as bench  # noqa: E402
from rtmpose_plugin.testing import make_scene  # noqa: E402

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--pose', help='an exported RTMPose (256x192): SDK folder or .onnx')
    parser.add_argument('--people', type=int, default=6)
    parser.add_argument('--cpu-backends', action='store_true',
                        help='only the CPU backends table (RTMDet-nano + RTMPose-m, K = 5)')
    parser.add_argument('--threads', type=int, nargs='+', default=[1, 0],
                        help='for --cpu-backends and --before (0: all cores)')
    parser.add_argument('--before', metavar='REV',
                        help='only the before/after table against commit REV')
    parser.add_argument('--crowd', type=int, nargs='+',
                        help='only the peak memory of one frame with this many boxes')
    args = parser.parse_args()
    if args.crowd:
        print('| boxes | tracking | people kept | peak memory (GiB, tracemalloc) | seconds |\n'
              '|---|---|---|---|---|')
        for n in args.crowd:
            for track in (False, True):
                r = bench.crowd_peak(n, track)
                print(f"| {n} | {'on' if track else 'off'} | {r['people']} | "
                      f"{r['peak_gib']:.3f} | {r['seconds']:.1f} |", flush=True)
    elif args.before:
        print('RTMDet-nano 320 (real) + RTMPose-m 256x192 (random weights), ONNX Runtime '
              'fp32, detection every 5th frame, 60 frames, frames/s over 5 passes; '
              f'before = {args.before}')
        print(bench.BEFORE_AFTER_HEADER, flush=True)
        for row in bench.before_after_rows_at(args.before, args.threads):
            print(row, flush=True)
    elif args.cpu_backends:
        print('RTMDet-nano 320 + RTMPose-m 256x192, detection every 5th frame, 60 frames, '
              'frames/s (median of 2 passes after a warm-up, interleaved)')
        print(bench.CPU_BACKENDS_HEADER, flush=True)
        for row in bench.cpu_backends_rows(args.threads):
            print(row, flush=True)
    else:
        scene = make_scene(people=args.people)
        print(f'quality: {args.people} people, {len(scene.frames)} frames, dot "pose model" '
              'with 1.5 px jitter, true boxes')
        print(bench.QUALITY_HEADER)
        for row in bench.quality_rows(scene):
            print(row, flush=True)
        print(f'\nspeed: {args.people} people, RTMPose-t, frames/s over 4 passes after a '
              'warm-up one, interleaved in blocks of 10 frames')
        print(bench.SPEED_HEADER)
        for row in bench.speed_rows(scene, args.pose):
            print(row, flush=True)
