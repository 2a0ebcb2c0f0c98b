"""``rtmpose extract`` over a corpus: engines, per-input overhead, driver memory.

    python tools/benchmark_corpus.py --engines [--videos 20 --frames 25 --rounds 3]
    python tools/benchmark_corpus.py --overhead [--frames 200 --rounds 5]
    python tools/benchmark_corpus.py --memory [--counts 1000 10000 --listed 100000]

--engines: inputs/s of the local engine with 1 worker (1 thread, and 2) and 2 workers (1
thread each), an A/A repeat, and Ray with 2 actors on a local cluster, over the same
videos, on OpenVINO bf16 and ONNX Runtime fp32.
--overhead: `rtmpose extract` on one video against `rtmpose pose` on it, fresh processes.
--memory: the driver's peak RSS over folders of small images, and over the rerun of a
finished job of 100,000 listed inputs.
RTMPose-m (random weights, exported here) and the real RTMDet-nano. The logic is
tools/benchmarks/corpus.py.
"""
import argparse
import os.path as osp
import tempfile
import warnings

warnings.filterwarnings('ignore')

from benchmarks import corpus, whole_job  # noqa: E402

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--engines', action='store_true')
    p.add_argument('--overhead', action='store_true')
    p.add_argument('--memory', action='store_true')
    p.add_argument('--no-ray', action='store_true', help='--engines without the Ray row')
    p.add_argument('--variants', nargs='+', default=['openvino:bf16', 'onnxruntime:fp32'],
                   help='for --engines: backend:precision')
    p.add_argument('--videos', type=int, default=20)
    p.add_argument('--frames', type=int)
    p.add_argument('--rounds', type=int)
    p.add_argument('--counts', type=int, nargs='+', default=[1000, 10000])
    p.add_argument('--listed', type=int, default=100000)
    args = p.parse_args()
    from rtmpose_plugin.datasets.samples import default_data_root
    det = osp.join(default_data_root(), 'models', 'rtmdet-nano-person')
    with tempfile.TemporaryDirectory() as tmp:
        pose = whole_job.pose_m_sdk(tmp)
        if args.engines:
            print(corpus.ENGINE_HEADER, flush=True)
            for variant in args.variants:
                backend, precision = variant.split(':')
                for row in corpus.engine_rows(pose, det, args.videos, args.frames or 25,
                                              args.rounds or 3, backend, precision,
                                              ray=not args.no_ray):
                    print(row, flush=True)
        if args.overhead:
            frames = args.frames or 200
            print(corpus.OVERHEAD_HEADER.format(frames=frames), flush=True)
            for row in corpus.overhead_rows(pose, det, frames, args.rounds or 5):
                print(row, flush=True)
        if args.memory:
            print(corpus.MEMORY_HEADER, flush=True)
            for row in corpus.memory_rows(pose, det, args.counts, args.listed):
                print(row, flush=True)
