"""From (model config, checkpoint, backend) to an MMDeploy SDK folder.

One step from (model config, checkpoint, backend) to a backend model plus the meta
files MMDeploy's SDK reads (``deploy.json``, ``pipeline.json``, ``detail.json``).

Backends and precisions:

- ``onnxruntime``: ``fp32`` (MMDeploy's torch2onnx), ``fp16`` (float16 weights and
  compute, float32 inputs/outputs; onnxconverter-common), ``int8`` (ONNX Runtime static
  quantization calibrated on person crops);
- ``ncnn``: ``fp32`` / ``fp16``: MMDeploy's ONNX export with our ncnn rewriters,
  converted by ``pnnx`` (PyPI), as MMDeploy's own converter needs a compiled binary;
- ``tensorrt``: ``fp32`` / ``fp16`` through MMDeploy's ``onnx2tensorrt`` (needs a CUDA
  GPU and the ``tensorrt`` package);
- ``openvino``: ``fp32``, ``bf16``, ``int8`` (NNCF, calibrated on person crops): the
  ONNX Runtime export converted by OpenVINO's own converter (see :mod:`.openvino`).
"""
from __future__ import annotations

import copy
import os
import os.path as osp
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Callable, Dict, Optional, Sequence, Tuple

import numpy as np

from ..compat.mmdeploy import with_mmpose_codec
from ..runtime.backends import BACKENDS
from ..runtime.meta import ModelMeta, detector_meta_from_config, pose_meta_from_config
from .embed import embed_meta, file_meta
from .precision import DEFAULT_BOUND, PrecisionCheck, write_check


#: (backend, precision) -> the kind of deploy config (``configs/deploy/``) it exports with:
#: INT8 is quantized from the fp32 export, OpenVINO's precisions are one IR's
DEPLOY_CONFIG_KINDS = {
    ('onnxruntime', 'fp32'): 'onnxruntime_dynamic', ('onnxruntime', 'int8'): 'onnxruntime_dynamic',
    ('onnxruntime', 'fp16'): 'onnxruntime-fp16_dynamic',
    ('openvino', 'fp32'): 'openvino_dynamic', ('openvino', 'bf16'): 'openvino_dynamic',
    ('openvino', 'int8'): 'openvino_dynamic',
    ('ncnn', 'fp32'): 'ncnn', ('ncnn', 'fp16'): 'ncnn-fp16',
    ('tensorrt', 'fp32'): 'tensorrt_dynamic', ('tensorrt', 'fp16'): 'tensorrt-fp16_dynamic',
}
#: the input sizes (h x w) our deploy configs are written for: those of our model configs
DEPLOY_CONFIG_SIZES = ('256x192', '256x256', '384x288')


def deploy_config_name(backend: str, precision: str, input_size: Sequence[int],
                       decode_in_graph: bool = False) -> str:
    """Our deploy config for a backend, precision and input size.

    Our deploy config (``configs/deploy/``) for a backend, precision and model input
    size (w, h): the shapes in it are the model's.

    Raises:
        ValueError: an unknown backend or precision, the decode in the graph off ONNX
            Runtime, or a size without a deploy config (then pass one of your own).
    """
    if (backend, precision) not in DEPLOY_CONFIG_KINDS:
        raise ValueError(f'{backend}/{precision} is not supported; choose from '
                         f'{export_precisions()}')
    size = f'{int(input_size[1])}x{int(input_size[0])}'
    if size not in DEPLOY_CONFIG_SIZES:
        raise ValueError(f'no deploy config of ours is written for input size {size} (h x w; '
                         f'ours: {", ".join(DEPLOY_CONFIG_SIZES)}): give one with '
                         '--deploy-config, e.g. one inheriting '
                         f'{deploy_config_name(backend, precision, (192, 256), decode_in_graph)}'
                         ' with your shapes')
    kind = DEPLOY_CONFIG_KINDS[backend, precision]
    if decode_in_graph:
        if backend != 'onnxruntime':
            raise ValueError('the decode in the graph (--decode-in-graph) is for ONNX Runtime, '
                             f'not {backend}')
        kind = 'onnxruntime-decode_dynamic'
    return f'pose-detection_simcc_{kind}-{size}.py'


def quantize_int8(onnx_fp32: str, out: str, crops: np.ndarray,
                  meta: Optional[ModelMeta] = None, keep_fp32: Sequence[str] = ()) -> str:
    """ONNX Runtime static INT8 quantization, calibrated on crops.

    ONNX Runtime static INT8 quantization (QDQ, per-channel weights) calibrated on
    crops, normalised as the model's meta says (read from the file by default); the
    meta is embedded in the quantized file too. ``keep_fp32``: patterns of the node
    names left unquantized (ONNX Runtime's ``nodes_to_exclude``; see
    :data:`.precision.FALLBACK_GROUPS`)."""
    from onnxruntime.quantization import (CalibrationDataReader, QuantFormat, QuantType,
                                          quantize_static)
    from onnxruntime.quantization.shape_inference import quant_pre_process

    from ..core.image import normalize
    meta = meta or file_meta(onnx_fp32)
    if meta is None:
        raise ValueError(f'{onnx_fp32} carries no model meta: export it with tools/deploy.py')

    def preprocess(batch):
        return normalize(batch, meta.mean, meta.std, meta.to_rgb)

    class Reader(CalibrationDataReader):

        def __init__(self):
            self.batches = iter([{'input': preprocess(c[None])} for c in crops])

        def get_next(self):
            return next(self.batches, None)

    import onnx
    from onnx import version_converter
    # per-channel weights need DequantizeLinear's axis attribute: opset 13
    opset13 = out + '.opset13.onnx'
    onnx.save(version_converter.convert_version(onnx.load(onnx_fp32), 13), opset13)
    prepared = out + '.pre.onnx'
    quant_pre_process(opset13, prepared, skip_symbolic_shape=True)
    os.remove(opset13)
    excluded = []
    if keep_fp32:
        from .precision import matching_nodes
        names = [n.name for n in onnx.load(prepared, load_external_data=False).graph.node]
        excluded = matching_nodes(names, keep_fp32)
    quantize_static(prepared, out, Reader(), quant_format=QuantFormat.QDQ,
                    per_channel=True, activation_type=QuantType.QUInt8,
                    weight_type=QuantType.QInt8, nodes_to_exclude=excluded)
    os.remove(prepared)
    embed_meta(out, meta)
    return out


def to_fp16(onnx_fp32: str, out: str, meta: Optional[ModelMeta] = None,
            keep_fp32: Sequence[str] = ()) -> str:
    """Float16 weights and compute.

    Float32 inputs and outputs; the meta kept (or ``meta`` embedded). ``keep_fp32``:
    patterns of the node names left in float32 (onnxconverter-common's node block list;
    see :data:`.precision.FALLBACK_GROUPS`).
    """
    import onnx
    from onnxconverter_common import float16
    model = onnx.load(onnx_fp32)
    blocked = []
    if keep_fp32:
        from .precision import matching_nodes
        blocked = matching_nodes([n.name for n in model.graph.node], keep_fp32)
    model = float16.convert_float_to_float16(model, keep_io_types=True,
                                             node_block_list=blocked or None)
    if blocked:
        from ..compat.float16 import drop_float16_round_trips
        drop_float16_round_trips(model)
    onnx.save(model, out)
    return embed_meta(out, meta) if meta is not None else out


def export_torchscript(model_config, checkpoint: str, path: str,
                       input_size: Sequence[int]) -> str:
    """The network (image -> SimCC logits) traced to TorchScript, for pnnx.

    Traced without MMDeploy's rewriter context: its ncnn rewrite of ``F.linear`` is a
    custom autograd op that TorchScript cannot trace, and pnnx itself handles what our
    ncnn rewriters avoid (split, unbind, negative axes) for MMDeploy's ONNX route.
    """
    import torch

    from ..build import init_pose_model
    model = init_pose_model(model_config, checkpoint, 'cpu')

    class Network(torch.nn.Module):

        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, x):
            return self.model._forward(x)

    w, h = input_size
    with torch.no_grad():
        traced = torch.jit.trace(Network().eval(), torch.zeros(1, 3, int(h), int(w)))
    traced.save(path)
    return path


def to_ncnn(model_path: str, work_dir: str, input_size: Sequence[int], fp16: bool) -> Dict[str, str]:
    """pnnx: TorchScript (or ONNX) -> ncnn ``.param`` / ``.bin`` (batch 1)."""
    import pnnx  # noqa: F401  (the converter binary ships in the package)
    exe = shutil.which('pnnx') or osp.join(osp.dirname(sys.executable), 'pnnx')
    if not osp.exists(exe):
        raise RuntimeError('pnnx was not found: `pip install pnnx`')
    w, h = input_size
    stem = osp.join(work_dir, 'end2end')
    cmd = [exe, model_path, f'inputshape=[1,3,{h},{w}]', f'fp16={int(fp16)}',
           f'ncnnparam={stem}.param', f'ncnnbin={stem}.bin', f'ncnnpy={stem}_ncnn.py',
           f'pnnxparam={stem}.pnnx.param', f'pnnxbin={stem}.pnnx.bin',
           f'pnnxpy={stem}_pnnx.py', f'pnnxonnx={stem}.pnnx.onnx']
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or not osp.isfile(stem + '.param'):
        raise RuntimeError(f'pnnx failed ({proc.returncode}): {proc.stderr[-2000:]}')
    return dict(param=stem + '.param', bin=stem + '.bin')


@dataclass
class ExportJob:
    """One export, its inputs read once: what each backend's exporter gets."""
    cfg: object  # the model config, loaded (mmengine ``Config``)
    checkpoint: str
    work_dir: str
    backend: str
    precision: str
    deploy_cfg: object  # the MMDeploy config, loaded
    meta: ModelMeta
    calibration: Optional[np.ndarray] = None
    batch: Optional[int] = None
    #: :func:`.precision.gate`'s options (bound, allow_drift, fallback, log)
    gate_options: dict = field(default_factory=dict)
    #: what the gate measured (a reduced precision)
    check: Optional[PrecisionCheck] = None

    @property
    def input_size(self) -> Tuple[int, int]:
        return tuple(int(v) for v in self.cfg.codec['input_size'])

    def onnx(self) -> str:
        """MMDeploy's ONNX export, the meta embedded."""
        from .onnx import export_onnx
        path = export_onnx(self.cfg, self.checkpoint, self.work_dir, self.deploy_cfg)
        return embed_meta(path, self.meta)

    def gated(self, make: Callable[[Sequence[str], str], Optional[str]], name: str,
              reference: str, reference_backend: str = 'onnxruntime') -> str:
        """The reduced model, made by ``make`` and passed by the precision gate.

        ``make(patterns, path)`` writes the reduced model to ``path`` with the nodes
        matching ``patterns`` kept in fp32 (None where the backend cannot, for any
        pattern); it is measured against the fp32 model ``reference`` (on
        ``reference_backend``) on the calibration crops (:func:`.precision.gate`), and
        the one that passes is moved to ``name`` in the work folder, its path returned.

        Raises:
            PrecisionError: it drifts beyond the bound, fallback included.
        """
        from .precision import make_gated
        path, self.check = make_gated(make, osp.join(self.work_dir, name), reference,
                                      reference_backend, self.backend, self.precision,
                                      self.meta, self.calibration, **self.gate_options)
        return path


def _export_onnxruntime(job: ExportJob) -> Dict[str, str]:
    out = dict(onnx=job.onnx())
    if job.precision == 'fp16':
        out['model'] = job.gated(
            lambda keep, path: to_fp16(out['onnx'], path, keep_fp32=keep),
            'end2end_fp16.onnx', out['onnx'])
    elif job.precision == 'int8':
        out['model'] = job.gated(
            lambda keep, path: quantize_int8(out['onnx'], path, job.calibration, job.meta,
                                             keep_fp32=keep),
            'end2end_int8.onnx', out['onnx'])
    else:
        out['model'] = out['onnx']
    return out


def _export_openvino(job: ExportJob) -> Dict[str, str]:
    from .openvino import deploy_openvino, ir_name
    out = dict(onnx=job.onnx())
    if job.precision == 'fp32':
        out.update(deploy_openvino(out['onnx'], job.work_dir, job.precision, job.calibration,
                                   job.batch, job.meta))
        return out

    def make(keep, path):
        if keep and job.precision != 'int8':  # bf16 is how the IR is compiled, not stored
            return None
        return deploy_openvino(out['onnx'], osp.dirname(path), job.precision,
                               job.calibration, job.batch, job.meta, keep,
                               osp.basename(path))['model']

    out['model'] = job.gated(make, ir_name(job.precision), out['onnx'])
    out['bin'] = out['model'][:-4] + '.bin'
    return out


def _export_ncnn(job: ExportJob) -> Dict[str, str]:
    out = dict(torchscript=export_torchscript(job.cfg, job.checkpoint,
                                              osp.join(job.work_dir, 'end2end.pt'),
                                              job.input_size))
    if job.precision == 'fp32':
        out.update(to_ncnn(out['torchscript'], job.work_dir, job.input_size, fp16=False))
    else:  # measured against the fp32 conversion; pnnx keeps no layers in fp32
        os.makedirs(osp.join(job.work_dir, '.fp32'), exist_ok=True)
        reference = to_ncnn(out['torchscript'], osp.join(job.work_dir, '.fp32'),
                            job.input_size, fp16=False)['param']
        embed_meta(reference, job.meta)

        def make(keep, path):
            if keep:
                return None
            param = to_ncnn(out['torchscript'], osp.dirname(path), job.input_size,
                            fp16=True)['param']
            embed_meta(param, job.meta)
            return param

        job.gated(make, 'end2end.param', reference, 'ncnn')
        shutil.rmtree(osp.dirname(reference), ignore_errors=True)
        stem = osp.join(job.work_dir, 'end2end')
        out.update(param=stem + '.param', bin=stem + '.bin')
    out['model'] = out['param']
    out['meta'] = embed_meta(out['param'], job.meta)
    return out


def _export_tensorrt(job: ExportJob) -> Dict[str, str]:
    import torch
    if not torch.cuda.is_available():
        raise RuntimeError('TensorRT needs a CUDA GPU; none is available here')
    from mmdeploy.apis.tensorrt import onnx2tensorrt
    out = dict(onnx=job.onnx())

    def make(keep, path):
        if keep:
            return None
        onnx2tensorrt(osp.dirname(path), osp.basename(path), 0, job.deploy_cfg, out['onnx'],
                      device='cuda:0')
        embed_meta(path, job.meta)
        return path

    if job.precision == 'fp16':
        job.deploy_cfg.backend_config.common_config.fp16_mode = True
        out['model'] = job.gated(make, 'end2end.engine', out['onnx'])
    else:
        out['model'] = make((), osp.join(job.work_dir, 'end2end.engine'))
    out['meta'] = embed_meta(out['model'], job.meta)
    return out


#: backend -> its exporter: an :class:`ExportJob` in, the paths written out (``model``:
#: the file the runtime opens); the backends and their precisions are the runtime's table
EXPORTERS: Dict[str, Callable[[ExportJob], Dict[str, str]]] = dict(
    onnxruntime=_export_onnxruntime, openvino=_export_openvino, ncnn=_export_ncnn,
    tensorrt=_export_tensorrt)


def check_export(backend: str, precision: str) -> None:
    """Raises ValueError for a backend or precision there is no exporter for."""
    if backend not in EXPORTERS or precision not in BACKENDS[backend].precisions:
        raise ValueError(f'{backend}/{precision} is not supported; choose from '
                         f'{export_precisions()}')


def export_precisions() -> Dict[str, Tuple[str, ...]]:
    """backend -> the precisions it is exported in."""
    return {name: BACKENDS[name].precisions for name in EXPORTERS}


def deploy(model_config, checkpoint: str, work_dir: str, backend: str = 'onnxruntime',
           precision: str = 'fp32', decode_in_graph: bool = False,
           calibration: Optional[np.ndarray] = None,
           deploy_config: Optional[str] = None, batch: Optional[int] = None,
           bound: float = DEFAULT_BOUND, allow_drift: bool = False, fallback: bool = True,
           log: Optional[Callable[[str], None]] = None) -> Dict[str, str]:
    """Export a pose model to a backend as an MMDeploy SDK folder.

    Export a pose model to a backend as an MMDeploy SDK folder (the model file and
    MMDeploy SDK's ``deploy.json``, ``pipeline.json``, ``detail.json``), the model's
    meta embedded in each model file; returns the paths it wrote.

    A reduced precision (fp16, bf16, int8) passes the precision gate first
    (:mod:`.precision`): measured against fp32 on the ``calibration`` crops, made again
    with layers kept in fp32 where it drifts beyond ``bound``, refused where that does
    not help; ``detail.json`` records what was measured under ``precision_check``. The
    folder is made beside ``work_dir`` and moved into it complete: a failed export
    leaves nothing of its own behind.

    Args:
        model_config: Training config: a loaded ``Config``, a path or the name of one of
            ours (read once).
        checkpoint: Its weights.
        work_dir: Output folder.
        backend: one of :data:`EXPORTERS`.
        precision: See :func:`export_precisions`.
        decode_in_graph: Keypoints and scores out of the graph instead of SimCC logits
            (ONNX Runtime).
        calibration: (N, h, w, 3) uint8 person crops: INT8's calibration and the
            precision gate's data (every precision but fp32 needs them).
        deploy_config: An MMDeploy config overriding the one chosen by backend.
        batch: OpenVINO: a static batch size (None: dynamic).
        bound: the gate's least mean OKS against fp32, in [0, 1].
        allow_drift: keep a model that fails the gate (its check says so).
        fallback: make a failing model again with layers kept in fp32.
        log: called with a line per gate measurement.

    Raises:
        ValueError: an unknown backend or precision, a reduced precision without crops,
            a bound outside [0, 1].
        PrecisionError: the gate's refusal (a ValueError).
        RuntimeError: the backend's tool is missing (TensorRT without a GPU, pnnx).
    """
    import tempfile

    from mmengine.config import Config

    from ..build import register
    from ..config import find_config, load_config
    from .precision import check_bound
    register()
    from . import rewriters  # noqa: F401  (MMDeploy rewriters of our head and GAU)
    check_export(backend, precision)
    check_bound(bound)
    if precision != 'fp32' and (calibration is None or not len(calibration)):
        raise ValueError(f'{precision} is checked against fp32 on person crops before it is '
                         'kept (and int8 is calibrated on them): give calibration data '
                         '(--calib-data: a folder of images, a video, or the sample-data '
                         'layout)')
    cfg = model_config if isinstance(model_config, Config) else load_config(model_config)
    deploy_cfg = Config.fromfile(find_config(deploy_config or deploy_config_name(
        backend, precision, cfg.codec['input_size'], decode_in_graph)))
    final = osp.abspath(work_dir)
    os.makedirs(osp.dirname(final), exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f'.{osp.basename(final)}.part-', dir=osp.dirname(final))
    try:
        job = ExportJob(cfg, checkpoint, tmp, backend, precision, deploy_cfg,
                        pose_meta_from_config(cfg), calibration, batch,
                        dict(bound=bound, allow_drift=allow_drift, fallback=fallback, log=log))
        out = EXPORTERS[backend](job)
        out.update(write_sdk_info(deploy_cfg, with_mmpose_codec(cfg), tmp, checkpoint,
                                  out['model']))
        if job.check is not None:
            write_check(tmp, job.check)
        os.makedirs(final, exist_ok=True)
        for name in os.listdir(tmp):
            target = osp.join(final, name)
            if osp.isdir(target) and not osp.islink(target):
                shutil.rmtree(target)
            os.replace(osp.join(tmp, name), target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    out = {k: osp.join(final, osp.relpath(v, tmp)) if isinstance(v, str) and
           osp.abspath(v).startswith(tmp + os.sep) else v for k, v in out.items()}
    return out


def write_sdk_info(deploy_cfg, model_cfg, work_dir: str, checkpoint: Optional[str],
                   model_file: str) -> Dict[str, str]:
    """Write MMDeploy SDK's ``deploy.json``, ``pipeline.json`` and ``detail.json``.

    MMDeploy SDK's ``deploy.json``, ``pipeline.json``, ``detail.json`` for the model,
    made by MMDeploy's own functions, ``deploy.json`` naming ``model_file`` (the
    precision's file, as MMDeploy names its own backend file) before it is written."""
    import mmengine
    from mmdeploy.backend.sdk.export_info import get_deploy, get_detail, get_pipeline
    info = get_deploy(deploy_cfg, model_cfg, work_dir, 'cpu')
    for model in info.get('models', [])[:1]:
        model['net'] = osp.relpath(model_file, work_dir)
        stem = osp.splitext(model_file)[0]
        if model_file.endswith(('.param', '.xml')):
            model['weights'] = osp.relpath(stem + '.bin', work_dir)
    docs = {'deploy.json': info,
            'pipeline.json': get_pipeline(deploy_cfg, model_cfg, work_dir, 'cpu'),
            'detail.json': get_detail(deploy_cfg, model_cfg, pth=checkpoint)}
    for name, doc in docs.items():
        mmengine.dump(doc, osp.join(work_dir, name), indent=4)
    return {name: osp.join(work_dir, name) for name in docs}


DETECTOR_DEPLOY_CONFIG = 'detection_onnxruntime_dynamic.py'


def deploy_detector(config, checkpoint: Optional[str], work_dir: str,
                    size: int) -> Dict[str, str]:
    """Export an RTMDet config as an SDK folder.

    An RTMDet config exported by MMDeploy ``torch2onnx`` (NMS in the graph) as an SDK
    folder, its meta embedded in ``end2end.onnx``. ``checkpoint`` None keeps the initial
    weights. Returns the paths written (``model``: the ONNX file)."""
    from mmdeploy.apis import torch2onnx
    from mmengine.config import Config

    from ..build import register
    from ..config import find_config, load_config
    register()  # the stack fixes: torch.onnx, checkpoints
    deploy_cfg = Config.fromfile(find_config(DETECTOR_DEPLOY_CONFIG))
    model_cfg = config if isinstance(config, Config) else load_config(config)
    os.makedirs(work_dir, exist_ok=True)
    # torch2onnx rewrites the test pipeline of the config it is given (an array input):
    # it gets a copy, and the SDK meta the config as written
    torch2onnx(np.full((size, size, 3), 114, np.uint8), work_dir, 'end2end.onnx', deploy_cfg,
               copy.deepcopy(model_cfg), checkpoint, 'cpu')
    onnx_path = osp.join(work_dir, 'end2end.onnx')
    embed_meta(onnx_path, detector_meta_from_config(model_cfg, size))
    out = dict(model=onnx_path)
    out.update(write_sdk_info(deploy_cfg, model_cfg, work_dir, checkpoint, onnx_path))
    return out
