# OpenVINO at 256x192, dynamic batch: fp32, and the bf16 and INT8 of tools/deploy.py (one
# IR compiled at another precision; NNCF). MMDeploy converts with its Model Optimizer
# call, which rtmpose_plugin.compat.mmdeploy answers with openvino.convert_model.
_base_ = ['./pose-detection_simcc_onnxruntime_dynamic-256x192.py']
backend_config = dict(type='openvino',
                      model_inputs=[dict(opt_shapes=dict(input=[-1, 3, 256, 192]))])
