# MMDeploy: RTMPose at 384x288 to ONNX Runtime, fp32 (and the INT8 that tools/deploy.py
# quantizes from it), dynamic batch.
_base_ = ['./pose-detection_simcc_onnxruntime_dynamic-256x192.py']
onnx_config = dict(input_shape=[288, 384])
