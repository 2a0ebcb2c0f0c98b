# RTMPose at 384x288 to ncnn, fp16 storage and arithmetic (see the fp32 config).
_base_ = ['./pose-detection_simcc_ncnn-384x288.py']
backend_config = dict(precision='FP16')
