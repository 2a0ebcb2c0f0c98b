# MMDeploy: RTMPose at 256x256 to TensorRT, fp32, dynamic batch 1 to 32 (GPU only).
_base_ = ['./pose-detection_simcc_onnxruntime_dynamic-256x256.py']
backend_config = dict(
    type='tensorrt',
    common_config=dict(fp16_mode=False, max_workspace_size=1 << 30),
    model_inputs=[
        dict(input_shapes=dict(input=dict(min_shape=[1, 3, 256, 256], opt_shape=[8, 3, 256, 256],
                                          max_shape=[32, 3, 256, 256])))
    ])
