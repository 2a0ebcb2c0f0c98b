# MMDeploy: RTMPose at 256x192 to TensorRT, fp16, dynamic batch 1 to 32 (GPU only).
_base_ = ['./pose-detection_simcc_tensorrt_dynamic-256x192.py']
backend_config = dict(common_config=dict(fp16_mode=True))
