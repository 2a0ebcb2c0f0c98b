# RTMPose to ncnn, fp32, batch 1. tools/deploy.py traces the network to TorchScript and
# converts it with pnnx (PyPI), as MMDeploy's own converter needs a compiled
# mmdeploy_onnx2ncnn; this config also drives MMDeploy's ONNX route for ncnn, where our
# ncnn rewriters apply (positive axes, no split/unbind), and the SDK meta files.
onnx_config = dict(
    type='onnx',
    export_params=True,
    keep_initializers_as_inputs=False,
    opset_version=11,
    save_file='end2end.onnx',
    input_names=['input'],
    output_names=['simcc_x', 'simcc_y'],
    input_shape=[192, 256],
    optimize=False)
codebase_config = dict(type='mmpose', task='PoseDetection', export_postprocess=False)
backend_config = dict(type='ncnn', precision='FP32', use_vulkan=False)
