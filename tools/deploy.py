"""Export an RTMPose model to a backend, with MMDeploy's SDK meta files.

    python tools/deploy.py CONFIG CHECKPOINT --backend onnxruntime|ncnn|tensorrt|openvino
        [--precision fp32|fp16|bf16|int8] [--work-dir DIR] [--decode-in-graph]
        [--calib-data ../shared/data] [--batch N]

Writes an MMDeploy SDK folder (the model, deploy.json, pipeline.json, detail.json); each
model file also carries its meta (keypoints, sigmas, skeleton, normalisation), so
`tools/pose.py --pose WORK_DIR` runs it. int8 (ONNX Runtime, OpenVINO) calibrates on
person crops from the sample data; OpenVINO bf16 is the f32 IR run in bf16 (recorded in
the IR). See rtmpose_plugin/deploy/export.py.
"""
import argparse
import warnings

warnings.filterwarnings('ignore')

from rtmpose_plugin.datasets.samples import default_data_root  # noqa: E402
from rtmpose_plugin.deploy import PRECISIONS, calibration_crops, deploy  # noqa: E402

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='training config (path or one of ours)')
    parser.add_argument('checkpoint')
    parser.add_argument('--backend', default='onnxruntime', choices=sorted(PRECISIONS))
    parser.add_argument('--precision', default='fp32', choices=['fp32', 'fp16', 'bf16', 'int8'])
    parser.add_argument('--batch', type=int, default=None,
                        help='OpenVINO: a static batch size (default: dynamic)')
    parser.add_argument('--work-dir', default='work_dirs/deploy')
    parser.add_argument('--decode-in-graph', action='store_true',
                        help='output keypoints and scores instead of SimCC logits')
    parser.add_argument('--calib-data', default=default_data_root(),
                        help='sample data folder with coco/ and aic/ for int8 calibration')
    args = parser.parse_args()
    calib = None
    if args.precision == 'int8':
        from mmengine.config import Config

        from rtmpose_plugin.config import find_config
        size = Config.fromfile(find_config(args.config)).codec['input_size']
        calib = calibration_crops(args.calib_data, size)
    try:
        out = deploy(args.config, args.checkpoint, args.work_dir, args.backend, args.precision,
                     decode_in_graph=args.decode_in_graph, calibration=calib, batch=args.batch)
    except (ValueError, RuntimeError) as e:
        parser.error(str(e))
    for key, path in out.items():
        print(f'{key}: {path}')
