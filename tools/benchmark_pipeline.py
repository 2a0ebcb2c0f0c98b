"""The pipeline.

Quality on a generated 6-person video (ID switches, jitter with and without One-Euro,
error with detection every frame vs every 5th) and speed against rtmlib.

    python tools/benchmark_pipeline.py [--pose SDK_DIR_OR_ONNX]
    python tools/benchmark_pipeline.py --cpu-backends [--threads 1 2]
    python tools/benchmark_pipeline.py --before REV [--threads 1 2]   # REV: any commit with the public opener
    python tools/benchmark_pipeline.py --crowd 1000 3000 10000
    python tools/benchmark_pipeline.py --whole-job [--split 0,0 1,1] [--variants openvino:bf16]

Without --pose, an RTMPose-t with random weights is exported (speed does not depend on them).
--cpu-backends: RTMDet-nano + RTMPose-m (random weights), detection every 5th frame, at
1 and 6 people: frames/s on ONNX Runtime fp32 against OpenVINO bf16 and INT8.
--before REV: the same pipeline (ONNX Runtime fp32, the real RTMDet-nano) as this checkout
builds it against commit REV's code, in one process, with an A/A row.
--whole-job: the whole job (decode to MP4) step after step against overlapped, and against
the pose network alone, on 1 person, the street video looped and 6 people (RTMPose-m,
random weights, a standing pose answered; the real RTMDet-nano every 5th frame);
--split P,D sets the pose and detector threads (0: all cores).
--start: frame 0 against a steady frame, and start-up, with and without warm-up and
OpenVINO's compiled-model cache, each in a fresh process.
--peak-memory 1 10: peak RSS of whole runs over generated 1080p videos of 1 and 10 minutes.
The logic is tools/benchmarks/pipeline.py and tools/benchmarks/whole_job.py.
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
    parser.add_argument('--whole-job', action='store_true',
                        help='only the whole job, sequential against overlapped')
    parser.add_argument('--split', nargs='+', default=['0,0'],
                        help='for --whole-job: pose,detector threads (0: all cores)')
    parser.add_argument('--variants', nargs='+',
                        default=['onnxruntime:fp32', 'openvino:bf16', 'openvino:int8'],
                        help='for --whole-job: backend:precision of the pose model')
    parser.add_argument('--scenes', nargs='+', help='for --whole-job: a subset of the videos')
    parser.add_argument('--peak-memory', type=float, nargs='+', metavar='MINUTES',
                        help='only the peak memory of whole runs over 1080p videos this long')
    parser.add_argument('--start', action='store_true',
                        help='only first-frame latency and start-up (warm-up, OpenVINO cache)')
    parser.add_argument('--frames', type=int, default=200)
    parser.add_argument('--rounds', type=int, default=3)
    args = parser.parse_args()
    if args.start or args.whole_job:
        import tempfile

        from benchmarks import whole_job
        with tempfile.TemporaryDirectory() as tmp:
            sdk = whole_job.pose_m_sdk(tmp)
            if args.start:
                print('RTMPose-m + RTMDet-nano, OpenVINO bf16, the street video (25 frames), '
                      'one fresh process a row')
                print(whole_job.START_HEADER, flush=True)
                rows = whole_job.start_rows(sdk)
            else:
                print(f'RTMPose-m 256x192 (random weights, a standing pose answered) + the '
                      f'real RTMDet-nano every 5th frame, 960x540 MP4 in and out, '
                      f'{args.frames} frames, median of {args.rounds} rounds (ratios within '
                      'each round)')
                print(whole_job.HEADER, flush=True)
                rows = whole_job.rows(
                    sdk, [tuple(int(v) for v in s.split(',')) for s in args.split],
                    [tuple(v.split(':')) for v in args.variants],
                    args.scenes or tuple(whole_job.SCENES), args.frames, args.rounds)
            for row in rows:
                print(row, flush=True)
    elif args.peak_memory:
        from benchmarks import whole_job
        print(whole_job.PEAK_HEADER, flush=True)
        for row in whole_job.peak_memory_rows(args.peak_memory):
            print(row, flush=True)
    elif args.crowd:
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
