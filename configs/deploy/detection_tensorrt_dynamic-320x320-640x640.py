# MMDeploy: an RTMDet person detector to TensorRT, NMS in the graph (GPU only).
_base_ = ['./detection_onnxruntime_dynamic.py']
onnx_config = dict(input_shape=None)
backend_config = dict(
    type='tensorrt',
    common_config=dict(fp16_mode=False, max_workspace_size=1 << 30),
    model_inputs=[
        dict(input_shapes=dict(input=dict(min_shape=[1, 3, 320, 320], opt_shape=[1, 3, 640, 640],
                                          max_shape=[1, 3, 640, 640])))
    ])
