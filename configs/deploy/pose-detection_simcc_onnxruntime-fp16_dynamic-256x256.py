# ONNX Runtime fp16 at 256x256: float16 weights and compute, float32 inputs and outputs;
# MMDeploy's to_backend and tools/deploy.py convert the fp32 export alike
# (onnxconverter-common, keep_io_types).
_base_ = ['./pose-detection_simcc_onnxruntime_dynamic-256x256.py']
backend_config = dict(type='onnxruntime', precision='fp16',
                      common_config=dict(keep_io_types=True))
