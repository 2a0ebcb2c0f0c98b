"""MMDeploy 1.3.1 on today's stack.

MMDeploy 1.3.1 on today's stack, for MMDeploy's own scripts (``tools/deploy.py``,
``tools/test.py``, ``tools/profiler.py``) as well as ours.

Three upstream problems, each fixed here only where it is present:

1. **Codecs known by type string.** MMDeploy's mmpose codebase chooses its decoding by
   ``codec.type``: ``PoseDetection.get_postprocess`` (the SDK's ``pipeline.json``,
   ``deploy.py --dump-info``) raises ``Unsupported codecs type`` for any other name, and
   ``End2EndModel.forward`` (visualisation, ``test.py``, ``inference_model``) passes only
   the first output to ``head.decode`` unless the type is ``SimCCLabel``. A registered
   codec that equals one of mmpose's (``mmpose_equivalent()``, as our ``RTMSimCCLabel``)
   is shown to those two places as that one; decoding itself stays the model's own head
   and codec.
2. **OpenVINO.** MMDeploy converts through the Model Optimizer command ``mo`` (removed
   from the ``openvino`` package in 2025.0) and runs through ``openvino.inference_engine``
   (removed in 2024.0). The conversion is done by ``openvino.convert_model`` with the
   same inputs, outputs and shapes, and the wrapper registered for ``openvino`` runs the
   IR with ``openvino.Core``.
3. **ncnn.** MMDeploy converts with its own compiled ``mmdeploy_onnx2ncnn``, which the
   pip package does not ship. Where it is absent the conversion is done by ``pnnx``
   (PyPI) from the same ONNX file, its blobs named as the ONNX model's inputs and outputs,
   which MMDeploy's ncnn wrapper looks up.
"""
from __future__ import annotations

import copy
import importlib.util
import os
import os.path as osp
import shutil
import subprocess
import sys
from typing import Dict, List, Optional, Sequence

#: the codec types MMDeploy's mmpose codebase knows
MMDEPLOY_CODECS = ('SimCCLabel', 'MSRAHeatmap', 'UDPHeatmap', 'MegviiHeatmap',
                   'RegressionLabel', 'IntegralRegressionLabel',
                   'YOLOXPoseAnnotationProcessor')


def mmpose_codec(codec_cfg):
    """A codec config as MMDeploy knows it.

    One of mmpose's types unchanged, a registered codec that names its mmpose equivalent
    (``mmpose_equivalent()``) as that one.
    """
    if isinstance(codec_cfg, (list, tuple)):
        return type(codec_cfg)(mmpose_codec(c) for c in codec_cfg)
    if not hasattr(codec_cfg, 'get') or codec_cfg.get('type') in MMDEPLOY_CODECS:
        return codec_cfg
    from mmpose.registry import KEYPOINT_CODECS
    try:
        codec = KEYPOINT_CODECS.build(dict(codec_cfg))
    except KeyError:  # not registered here: MMDeploy says so in its own words
        return codec_cfg
    equivalent = getattr(codec, 'mmpose_equivalent', None)
    return type(codec_cfg)(equivalent()) if equivalent is not None else codec_cfg


def with_mmpose_codec(model_cfg):
    """The model config with a codec (and head decoder) MMDeploy knows.

    The config itself where it has one already, else a copy with the codec shown as its
    mmpose equivalent.
    """
    codec = model_cfg.get('codec')
    decoder = ((model_cfg.get('model') or {}).get('head') or {}).get('decoder')
    shown_codec = mmpose_codec(codec) if codec is not None else None
    shown_decoder = mmpose_codec(decoder) if decoder is not None else None
    if shown_codec is codec and shown_decoder is decoder:
        return model_cfg
    cfg = copy.deepcopy(model_cfg)
    if codec is not None:
        cfg.codec = shown_codec
    if decoder is not None:
        cfg.model.head.decoder = shown_decoder
    return cfg


def fix_codec_dispatch() -> bool:
    from mmdeploy.codebase.mmpose.deploy import pose_detection, pose_detection_model
    task = pose_detection.PoseDetection
    model = pose_detection_model.End2EndModel
    if getattr(task.get_postprocess, '__wrapped__', None) is not None:
        return True
    get_postprocess, init = task.get_postprocess, model.__init__

    def task_get_postprocess(self, *args, **kwargs):
        real = self.model_cfg
        self.model_cfg = with_mmpose_codec(real)
        try:
            return get_postprocess(self, *args, **kwargs)
        finally:
            self.model_cfg = real

    def model_init(self, *args, **kwargs):
        init(self, *args, **kwargs)  # the head (and its decoder) built from the real config
        self.model_cfg = with_mmpose_codec(self.model_cfg)  # forward's dispatch only

    task_get_postprocess.__wrapped__ = get_postprocess
    model_init.__wrapped__ = init
    task.get_postprocess, model.__init__ = task_get_postprocess, model_init
    return True


# --- OpenVINO -------------------------------------------------------------------------


def model_optimizer_present() -> bool:
    from mmdeploy.backend.openvino.onnx2openvino import get_mo_command
    return bool(get_mo_command())


def openvino_from_onnx(onnx_model, output_file_prefix: str,
                       input_info: Dict[str, Sequence[int]], output_names: Sequence[str],
                       mo_options=None) -> str:
    """MMDeploy's ``from_onnx`` (same arguments) by ``openvino.convert_model``.

    The IR ``<work dir>/<onnx name>.xml`` with the given input shapes and outputs. The Model
    Optimizer options MMDeploy passes (``--mean_values``...) are not supported.
    """
    import onnx
    import openvino as ov
    if mo_options is not None and mo_options.get_options().strip():
        raise RuntimeError('Model Optimizer options are not supported by '
                           f'openvino.convert_model: {mo_options.get_options()}')
    onnx_path = onnx_model
    if not isinstance(onnx_model, str):
        import tempfile
        onnx_path = tempfile.NamedTemporaryFile(suffix='.onnx').name
        onnx.save(onnx_model, onnx_path)
    work_dir = output_file_prefix
    os.makedirs(work_dir, exist_ok=True)
    xml = osp.join(work_dir, osp.splitext(osp.basename(onnx_path))[0] + '.xml')
    model = ov.convert_model(onnx_path, input=[(name, list(shape))
                                               for name, shape in input_info.items()],
                             output=list(output_names) or None)
    ov.save_model(model, xml, compress_to_fp16=False)
    return xml


def _openvino_wrapper():
    import numpy as np
    import torch
    from mmdeploy.backend.base import BaseWrapper

    class OpenVINOWrapper(BaseWrapper):
        """MMDeploy's ``openvino`` wrapper on ``openvino.Core``.

        MMDeploy's ``openvino`` wrapper on ``openvino.Core`` (float32 inference, as the
        Model Optimizer's IR ran): inputs and outputs torch tensors by name."""

        def __init__(self, ir_model_file: str, output_names: Optional[Sequence[str]] = None,
                     **kwargs):
            import openvino as ov
            self.core = ov.Core()
            self.model = self.core.read_model(ir_model_file)
            self.compiled = self.core.compile_model(
                self.model, 'CPU', {'INFERENCE_PRECISION_HINT': 'f32'})
            if output_names is None:
                output_names = [o.get_any_name() for o in self.model.outputs]
            super().__init__(output_names)

        def forward(self, inputs: Dict[str, 'torch.Tensor']) -> Dict[str, 'torch.Tensor']:
            feed = {name: np.ascontiguousarray(t.detach().cpu().numpy())
                    for name, t in inputs.items()}
            result = self.compiled(feed)
            outputs = {}
            for port, value in result.items():
                for name in port.get_names():
                    outputs[name.split('.')[0]] = torch.from_numpy(np.array(value))
            return outputs

    return OpenVINOWrapper


def fix_openvino() -> bool:
    if importlib.util.find_spec('openvino') is None:
        return False
    if model_optimizer_present() and importlib.util.find_spec(
            'openvino.inference_engine') is not None:
        return False
    from mmdeploy.backend.base import BACKEND_WRAPPER
    from mmdeploy.backend.openvino import onnx2openvino, wrapper
    onnx2openvino.from_onnx = openvino_from_onnx
    onnx2openvino.get_mo_command = lambda: 'openvino.convert_model'
    wrapper.OpenVINOWrapper = _openvino_wrapper()  # the backend manager imports it here
    BACKEND_WRAPPER.register_module('openvino', module=wrapper.OpenVINOWrapper, force=True)
    return True


# --- ncnn -----------------------------------------------------------------------------


def pnnx_path() -> Optional[str]:
    if importlib.util.find_spec('pnnx') is None:
        return None
    exe = shutil.which('pnnx') or osp.join(osp.dirname(sys.executable), 'pnnx')
    return exe if osp.exists(exe) else None


def rename_ncnn_blobs(param_path: str, renames: Dict[str, str]) -> None:
    """Rename blobs in an ncnn ``.param`` (pnnx names them in0.., out0..)."""
    with open(param_path) as f:
        lines = f.read().splitlines()
    out = lines[:2]
    for line in lines[2:]:
        fields = line.split()
        if len(fields) < 4:
            out.append(line)
            continue
        n_in, n_out = int(fields[2]), int(fields[3])
        blobs = slice(4, 4 + n_in + n_out)
        fields[blobs] = [renames.get(b, b) for b in fields[blobs]]
        out.append(' '.join(fields))
    with open(param_path, 'w') as f:
        f.write('\n'.join(out) + '\n')


def standard_onnx(model):
    """MMDeploy's ncnn export with its custom ops rewritten as standard ONNX.

    MMDeploy's ncnn export with its custom ops as standard ONNX, which pnnx reads
    (``mmdeploy_onnx2ncnn`` maps them itself): ``mmdeploy::AdaptiveAvgPool2d`` to an
    output of 1x1 (CSPNeXt's channel attention) is ``GlobalAveragePool``, and a
    ``Gemm`` (MMDeploy's ncnn ``linear`` over (B, K, C) tokens, beyond ONNX's rank 2)
    is a ``MatMul`` by its constant weight (transposed ahead) plus its bias."""
    import onnx
    from onnx import numpy_helper
    consts = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type == 'Constant' and node.attribute:
            consts[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
    for node in model.graph.node:
        if node.domain != 'mmdeploy':
            continue
        size = consts.get(node.input[1]) if len(node.input) > 1 else None
        if node.op_type != 'AdaptiveAvgPool2d' or size is None or (size != 1).any():
            raise RuntimeError(f'{node.domain}::{node.op_type} ({node.name}) has no '
                               'standard ONNX form for pnnx; use tools/deploy.py --backend '
                               'ncnn')
        node.domain, node.op_type = '', 'GlobalAveragePool'
        del node.input[1:]
    nodes = []
    for node in model.graph.node:
        if node.op_type == 'Gemm':
            nodes.extend(_gemm_as_matmul(model, node, consts))
        else:
            nodes.append(node)
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    opsets = [o for o in model.opset_import if o.domain != 'mmdeploy']
    del model.opset_import[:]
    model.opset_import.extend(opsets)
    onnx.checker.check_model(model)
    return model


def _gemm_as_matmul(model, node, consts):
    from onnx import helper, numpy_helper
    attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    weight = consts.get(node.input[1])
    if (attrs.get('transA', 0) or attrs.get('alpha', 1.0) != 1.0
            or attrs.get('beta', 1.0) != 1.0 or weight is None):
        return [node]
    if attrs.get('transB', 0):
        weight = weight.T
    name = node.input[1] + '_matmul'
    model.graph.initializer.append(numpy_helper.from_array(weight.copy(), name))
    if len(node.input) < 3 or not node.input[2]:
        return [helper.make_node('MatMul', [node.input[0], name], list(node.output),
                                 name=node.name)]
    product = node.output[0] + '_product'
    return [helper.make_node('MatMul', [node.input[0], name], [product], name=node.name),
            helper.make_node('Add', [product, node.input[2]], list(node.output),
                             name=node.name + '_bias')]


def ncnn_from_onnx(onnx_model, output_file_prefix: str, fp16: bool = False) -> List[str]:
    """MMDeploy's ncnn ``from_onnx`` (same arguments) by pnnx.

    ``<prefix>.param`` and ``<prefix>.bin``, the ONNX model's static input shape, blobs
    named as its inputs and outputs (``input``, ``simcc_x``, ``simcc_y``).
    """
    import onnx
    exe = pnnx_path()
    if exe is None:
        raise RuntimeError('ncnn conversion needs mmdeploy_onnx2ncnn or pnnx: '
                           '`pip install pnnx`')
    model = onnx.load(onnx_model) if isinstance(onnx_model, str) else onnx_model
    model = standard_onnx(copy.deepcopy(model))
    stem = output_file_prefix
    onnx_path = stem + '.standard.onnx'
    onnx.save(model, onnx_path)
    inits = {i.name for i in model.graph.initializer}
    inputs = [i.name for i in model.graph.input if i.name not in inits]
    outputs = [o.name for o in model.graph.output]
    dims = [d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    if not all(dims):
        raise RuntimeError(f'{onnx_path} has a dynamic input shape {dims}; ncnn needs a '
                           'static one (a deploy config with dynamic_axes=None)')
    tmp = stem + '.pnnx'
    cmd = [exe, onnx_path, f'inputshape=[{",".join(map(str, dims))}]', f'fp16={int(fp16)}',
           f'ncnnparam={stem}.param', f'ncnnbin={stem}.bin', f'ncnnpy={tmp}_ncnn.py',
           f'pnnxparam={tmp}.param', f'pnnxbin={tmp}.bin', f'pnnxpy={tmp}_pnnx.py',
           f'pnnxonnx={tmp}.onnx']
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or not osp.isfile(stem + '.param'):
        raise RuntimeError(f'pnnx failed ({proc.returncode}): {proc.stderr[-2000:]}')
    for leftover in (f'{tmp}_ncnn.py', f'{tmp}.param', f'{tmp}.bin', f'{tmp}_pnnx.py',
                     f'{tmp}.onnx', onnx_path):
        if osp.exists(leftover):
            os.remove(leftover)
    renames = {f'in{i}': name for i, name in enumerate(inputs)}
    renames.update({f'out{i}': name for i, name in enumerate(outputs)})
    rename_ncnn_blobs(stem + '.param', renames)
    return [stem + '.param', stem + '.bin']


def onnx2ncnn_present() -> bool:
    from mmdeploy.backend.ncnn.init_plugins import get_onnx2ncnn_path
    return bool(get_onnx2ncnn_path())


def fix_ncnn() -> bool:
    if importlib.util.find_spec('ncnn') is None or onnx2ncnn_present():
        return False
    if pnnx_path() is None:
        return False
    from mmdeploy.backend.ncnn import backend_manager, onnx2ncnn
    from mmdeploy.utils import get_backend_config
    manager = backend_manager.NCNNManager
    to_backend = manager.to_backend.__func__

    def ncnn_to_backend(cls, ir_files, work_dir, *args, **kwargs):
        deploy_cfg = kwargs.get('deploy_cfg')
        precision = 'FP32'
        if deploy_cfg is not None:
            precision = str(get_backend_config(deploy_cfg).get('precision', 'FP32'))
        fp16 = precision.upper() == 'FP16'
        onnx2ncnn.from_onnx = lambda onnx_model, prefix: ncnn_from_onnx(onnx_model, prefix,
                                                                         fp16)
        return to_backend(cls, ir_files, work_dir, *args, **kwargs)

    ncnn_to_backend.__wrapped__ = to_backend
    manager.to_backend = classmethod(ncnn_to_backend)
    onnx2ncnn.from_onnx = ncnn_from_onnx
    return True
