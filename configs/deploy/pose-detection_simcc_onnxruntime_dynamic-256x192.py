# MMDeploy: an RTMPose model (SimCC outputs) to ONNX Runtime, fp32 (and the INT8 that
# tools/deploy.py quantizes from it), dynamic batch. Outputs are the raw x / y logits;
# decode with rtmpose_plugin.core.decode_simcc. The root of every pose deploy config here:
# one per backend, precision and input size (deploy.export.deploy_config_name).
onnx_config = dict(
    type='onnx',
    export_params=True,
    keep_initializers_as_inputs=False,
    opset_version=11,
    save_file='end2end.onnx',
    input_names=['input'],
    output_names=['simcc_x', 'simcc_y'],
    input_shape=[192, 256],
    optimize=True,
    dynamic_axes=dict(
        input={0: 'batch'}, simcc_x={0: 'batch'}, simcc_y={0: 'batch'}))
codebase_config = dict(type='mmpose', task='PoseDetection', export_postprocess=False)
backend_config = dict(type='onnxruntime')
