# ONNX Runtime at 256x256 with the SimCC decode in the graph: outputs keypoints (B, K, 2)
# in input space and scores (B, K), decoded as in training.
_base_ = ['./pose-detection_simcc_onnxruntime_dynamic-256x256.py']
onnx_config = dict(output_names=['keypoints', 'scores'],
                   dynamic_axes=dict(input={0: 'batch'}, keypoints={0: 'batch'},
                                     scores={0: 'batch'}))
codebase_config = dict(export_postprocess=True)
