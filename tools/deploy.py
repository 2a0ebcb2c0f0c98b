"""Export an RTMPose model to a backend as an MMDeploy SDK folder.

    python tools/deploy.py CONFIG CHECKPOINT --backend onnxruntime|ncnn|tensorrt|openvino
        [--precision fp32|fp16|bf16|int8] [--work-dir DIR] [--decode-in-graph]
        [--calib-data IMAGES|VIDEO|SAMPLES [--calib-det DETECTOR]] [--batch N]
        [--precision-bound OKS] [--allow-drift] [--no-fallback]

fp16, bf16 and int8 are checked against fp32 on the --calib-data crops before they are
kept (the precision gate; docs/deploy.md), and the check written into detail.json.
Writes an MMDeploy SDK folder (the model, deploy.json, pipeline.json, detail.json); each
model file also carries its meta (keypoints, sigmas, skeleton, normalisation), so
`tools/pose.py --pose WORK_DIR` runs it. See rtmpose_plugin/deploy/cli.py.
"""
import sys
import warnings

warnings.filterwarnings('ignore')

from rtmpose_plugin.deploy.cli import main  # noqa: E402

if __name__ == '__main__':
    for key, path in main(sys.argv[1:]).items():
        print(f'{key}: {path}')
