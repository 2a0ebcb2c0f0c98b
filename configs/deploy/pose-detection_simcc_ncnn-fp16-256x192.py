# RTMPose at 256x192 to ncnn, fp16 storage and arithmetic (see the fp32 config).
_base_ = ['./pose-detection_simcc_ncnn-256x192.py']
backend_config = dict(precision='FP16')
