# ONNX Runtime fp16 at 384x288: float16 weights and compute, float32 inputs and outputs;
# MMDeploy's to_backend and tools/deploy.py convert the fp32 export alike
# (onnxconverter-common, keep_io_types).
_base_ = ['./pose-detection_simcc_onnxruntime_dynamic-384x288.py']
backend_config = dict(type='onnxruntime', precision='fp16',
                      common_config=dict(keep_io_types=True))
