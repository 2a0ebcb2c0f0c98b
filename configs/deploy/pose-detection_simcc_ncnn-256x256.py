# RTMPose at 256x256 to ncnn, fp32, batch 1. tools/deploy.py traces the network to
# TorchScript and converts it with pnnx (PyPI); MMDeploy's deploy.py exports ONNX with
# our ncnn rewriters (positive axes, no split/unbind) and converts it with
# mmdeploy_onnx2ncnn, or pnnx where that binary is absent (rtmpose_plugin.compat.mmdeploy).
_base_ = ['./pose-detection_simcc_onnxruntime_dynamic-256x256.py']
onnx_config = dict(optimize=False, dynamic_axes=None)
backend_config = dict(_delete_=True, type='ncnn', precision='FP32', use_vulkan=False)
