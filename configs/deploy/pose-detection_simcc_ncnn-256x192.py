# RTMPose to ncnn, fp32, batch 1. tools/deploy.py traces the network to TorchScript and
# converts it with pnnx (PyPI), as MMDeploy's own converter needs a compiled
# mmdeploy_onnx2ncnn; this config also drives MMDeploy's ONNX route for ncnn, where our
# ncnn rewriters apply (positive axes, no split/unbind), and the SDK meta files.
_base_ = ['./pose-detection_simcc_onnxruntime_dynamic-256x192.py']
onnx_config = dict(optimize=False, dynamic_axes=None)
backend_config = dict(_delete_=True, type='ncnn', precision='FP32', use_vulkan=False)
