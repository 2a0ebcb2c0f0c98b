# ONNX Runtime fp16: the fp32 export converted to float16 weights and compute by
# tools/deploy.py (onnxconverter-common), inputs and outputs kept float32.
_base_ = ['./pose-detection_simcc_onnxruntime_dynamic-256x192.py']
backend_config = dict(type='onnxruntime', precision='fp16')
