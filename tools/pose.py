"""Pose estimation over images, folders, videos or a camera (RTMDet + RTMPose pipeline).

    python tools/pose.py INPUT --pose MODEL [--det DET | --bundled-dets DETS ANN] [--det-interval K]

See rtmpose_plugin/inference/cli.py (`--help`).
"""
import sys
import warnings

warnings.filterwarnings('ignore')

from rtmpose_plugin.inference.cli import main  # noqa: E402

if __name__ == '__main__':
    summary = main(sys.argv[1:])
    print(f"{summary['frames']} frames, {summary['people']} people, {summary['errors']} "
          f"unreadable, {summary['fps']} frames/s -> {summary['results']}")
