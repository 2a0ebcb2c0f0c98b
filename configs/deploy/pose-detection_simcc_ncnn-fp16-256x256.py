# RTMPose at 256x256 to ncnn, fp16 storage and arithmetic (see the fp32 config).
_base_ = ['./pose-detection_simcc_ncnn-256x256.py']
backend_config = dict(precision='FP16')
