"""Pose estimation over images, folders, videos or a camera (RTMDet + RTMPose pipeline).

    python tools/pose.py INPUT --pose MODEL [--det DET | --bundled-dets DETS ANN] [--det-interval K]

The same as `rtmpose pose ...` (rtmpose_plugin/console.py; `--help` for the options).
Exported models and published model names run without the training stack:
`pip install rtmpose_plugin[runtime]` is enough (docs/deploy.md).
"""
import logging
import sys

from rtmpose_plugin.console import run_pose

if __name__ == '__main__':
    logging.basicConfig(level=logging.INFO, format='%(message)s')
    code, line = run_pose(sys.argv[1:], exiting=True)
    print(line, file=sys.stderr if code else sys.stdout)
    sys.exit(code)
