"""One session type per backend behind one small interface: a network file in, arrays in and out.

Which backend runs which file, on which devices and in which precisions is the table of
:mod:`.backends`, whose :func:`~.backends.open_session` makes these.

Each session reports its input's name and shape (dynamic dimensions as None) and its
outputs' names and ranks, so a model can be checked when it is opened.
"""
from __future__ import annotations

import functools
import os.path as osp
import threading
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..errors import ModelError

Shape = Tuple[Optional[int], ...]

#: the precision recorded in an OpenVINO IR by ``deploy.openvino.to_openvino``
PRECISION_RT_INFO = ['rtmpose_plugin', 'precision']
#: where OpenVINO's compiled models are cached (``0``: not cached); see openvino_cache_dir
OPENVINO_CACHE_ENV = 'RTMPOSE_PLUGIN_OPENVINO_CACHE'
_OV_HINT = dict(fp32='f32', bf16='bf16', int8='f32')


class Session:
    """A network on a backend.

    Attributes:
        backend, device, precision: what it runs on and in.
        path: the model file it runs (set by ``open_session``).
        input_name: the one input; input_shape: its shape, None where dynamic.
        output_names; output_ranks: each output's rank.
    """
    backend = ''
    device = 'cpu'
    precision = 'fp32'
    path = ''
    input_name: str
    input_shape: Shape
    output_names: List[str]
    output_ranks: List[int]

    def run(self, x: np.ndarray) -> List[np.ndarray]:
        """The network's outputs for the (B, 3, h, w) float32 input ``x``."""
        raise NotImplementedError


def _check_file(path: str, what: str) -> None:
    if not osp.isfile(path):
        raise FileNotFoundError(f'{what} {path} does not exist')


def _cuda_index(device: str) -> int:
    if device == 'cpu':
        return -1
    if device == 'cuda':
        return 0
    if device.startswith('cuda:') and device[5:].isdigit():
        return int(device[5:])
    raise ValueError(f"device must be 'cpu', 'cuda' or 'cuda:N', got {device!r}")


def _dim(v) -> Optional[int]:
    return v if isinstance(v, int) and v > 0 else None


class OnnxRuntimeSession(Session):
    """ONNX Runtime on the CPU or a CUDA device.

    ONNX Runtime, on the CPU (``threads`` intra-op threads, 0: all cores) or a CUDA
    device (CUDAExecutionProvider)."""
    backend = 'onnxruntime'

    def __init__(self, path: str, device: str = 'cpu', threads: int = 0) -> None:
        import onnxruntime as ort
        _check_file(path, 'ONNX model')
        index = _cuda_index(device)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        if index >= 0:
            if 'CUDAExecutionProvider' not in ort.get_available_providers():
                raise RuntimeError(f'{device} asked for, but this onnxruntime has no CUDA '
                                   'provider: pip install onnxruntime-gpu')
            providers = [('CUDAExecutionProvider', dict(device_id=index))]
        else:
            providers = ['CPUExecutionProvider']
        try:
            self.session = ort.InferenceSession(path, opts, providers=providers)
        except Exception as e:  # onnxruntime raises its own types for a broken file
            if 'INVALID_PROTOBUF' in str(e):
                raise ModelError(f'{path} is not an ONNX model (it does not parse: a truncated '
                                 'download, or another kind of file)') from None
            raise ModelError(f'{path} cannot be loaded by ONNX Runtime: '
                             f'{str(e).splitlines()[0][:200]}') from None
        self.device = device
        inp = self.session.get_inputs()
        if len(inp) != 1:
            raise ModelError(f'{path} has {len(inp)} inputs; an RTMPose or RTMDet export has '
                             'one image input')
        self.input_name = inp[0].name
        self.input_shape = tuple(_dim(v) for v in inp[0].shape)
        outs = self.session.get_outputs()
        self.output_names = [o.name for o in outs]
        self.output_ranks = [len(o.shape) for o in outs]
        types = {i.type for i in outs}
        self.precision = 'fp16' if 'tensor(float16)' in {inp[0].type} | types else 'fp32'

    def run(self, x):
        return self.session.run(None, {self.input_name: x})


@functools.lru_cache(maxsize=None)
def openvino_capabilities() -> Tuple[str, ...]:
    """What OpenVINO says the CPU can compute in (``FP32``, ``BF16``, ``INT8``, ...)."""
    import openvino as ov
    return tuple(ov.Core().get_property('CPU', 'OPTIMIZATION_CAPABILITIES'))


def openvino_saved_precision(model) -> Optional[str]:
    """The precision recorded in an OpenVINO model, if any."""
    if model.has_rt_info(PRECISION_RT_INFO):
        return str(model.get_rt_info(PRECISION_RT_INFO).astype(str))
    return None


def check_openvino_precision(precision: str) -> None:
    """Refuse an unknown OpenVINO precision, or bf16 on a CPU without it.

    Raises ValueError for an unknown OpenVINO precision, RuntimeError for bf16 on a
    CPU that cannot compute in it."""
    if precision not in _OV_HINT:
        raise ValueError(f'OpenVINO precision must be one of {tuple(_OV_HINT)}, got '
                         f'{precision!r}')
    if precision == 'bf16' and 'BF16' not in openvino_capabilities():
        raise RuntimeError('this CPU has no bf16 support (OpenVINO reports '
                           f'{openvino_capabilities()}); use fp32 or int8')


def openvino_cache_dir() -> Optional[str]:
    """Where OpenVINO keeps compiled models (its ``CACHE_DIR``), or None for nowhere.

    ``$RTMPOSE_PLUGIN_OPENVINO_CACHE`` when set (``0`` or ``off``: no cache), else
    ``openvino/`` in the package's cache (:func:`rtmpose_plugin.hub.home`). OpenVINO keys
    each entry by the model, the device and the compile options, so a second run loads
    what the first compiled instead of compiling again.
    """
    import os

    from ..hub import home
    value = os.environ.get(OPENVINO_CACHE_ENV)
    if value is not None and value.strip().lower() in ('', '0', 'off', 'no', 'false'):
        return None
    return value or osp.join(home(), 'openvino')


def openvino_compile(model, precision: str = 'fp32', threads: int = 0,
                     cache: bool = True):
    """Compile an OpenVINO model for the CPU in a given precision.

    Compile an OpenVINO model for the CPU in ``precision`` (asked for explicitly:
    OpenVINO computes in bf16 by itself on a CPU that has it), through the compiled-model
    cache of :func:`openvino_cache_dir` (``cache``).

    Raises:
        ValueError: an unknown precision.
        RuntimeError: bf16 on a CPU that cannot compute in it.
    """
    import openvino as ov
    check_openvino_precision(precision)
    config = {'INFERENCE_PRECISION_HINT': _OV_HINT[precision], 'PERFORMANCE_HINT': 'LATENCY'}
    if threads:
        config['INFERENCE_NUM_THREADS'] = int(threads)
    folder = openvino_cache_dir() if cache else None
    if folder:
        config['CACHE_DIR'] = folder
    return ov.Core().compile_model(model, 'CPU', config)


class OpenVINOSession(Session):
    """OpenVINO on the CPU, from an IR (``.xml``) or an ONNX file (converted in memory).

    OpenVINO runs a static shape faster than a dynamic one (docs/benchmarks.md), so a
    dynamic batch is compiled once per batch size it sees (up to ``max_shapes``, then
    the dynamic model runs); a static batch is fed chunk by chunk, the last padded.

    Args:
        precision: ``fp32``, ``bf16`` or ``int8``; None: as recorded in the IR (``fp32``
            for a plain ONNX file). An INT8 IR runs as INT8 whatever is asked.
        input_shape: fix the input's dynamic dimensions (a detector's (1, 3, 320, 320)).
    """
    backend = 'openvino'

    def __init__(self, path: str, precision: Optional[str] = None, threads: int = 0,
                 input_shape: Optional[Sequence[int]] = None, max_shapes: int = 8,
                 device: str = 'cpu') -> None:
        import openvino as ov
        if device != 'cpu':
            raise ValueError(f'the OpenVINO backend runs on the CPU, not {device!r}')
        _check_file(path, 'OpenVINO model')
        try:
            self.model = ov.Core().read_model(path)
        except RuntimeError as e:
            text = str(e)
            if 'ParseFromIstream' in text or "can't be parsed" in text:
                raise ModelError(f'{path} is not an ONNX model (it does not parse: a '
                                 'truncated download, or another kind of file)') from None
            said = [line for line in text.splitlines()
                    if line.strip() and not line.startswith('Exception from src')]
            raise ModelError(f'{path} cannot be read by OpenVINO: '
                             f'{(said or [text])[-1][:200]}') from None
        if len(self.model.inputs) != 1:
            raise ModelError(f'{path} has {len(self.model.inputs)} inputs; an RTMPose or '
                             'RTMDet export has one image input')
        recorded = openvino_saved_precision(self.model)
        if precision is None:
            precision = recorded or 'fp32'
        if precision == 'int8' and recorded != 'int8':
            raise ValueError(f'{path} is not an INT8 model: deploy it with precision int8')
        if recorded == 'int8':
            precision = 'int8'
        self.precision, self.threads = precision, threads
        if input_shape is not None:
            self.model.reshape({self.model.inputs[0]: list(input_shape)})
        shape = self.model.inputs[0].get_partial_shape()
        self.input_name = self.model.inputs[0].get_any_name()
        self.input_shape = tuple(d.get_length() if d.is_static else None for d in shape)
        self.output_names = [o.get_any_name() for o in self.model.outputs]
        self.output_ranks = [o.get_partial_shape().rank.get_length() for o in self.model.outputs]
        self.static_batch = self.input_shape[0]
        self.max_shapes = max_shapes
        self._compiled: Dict[object, tuple] = {}
        self._model_pair: Optional[tuple] = None  # compiled at the first run
        self._lock = threading.Lock()
        check_openvino_precision(self.precision)  # refused now, not at the first frame

    @property
    def _dynamic(self) -> tuple:
        """The model as it stands (dynamic, or the shape fixed), compiled once."""
        if self._model_pair is None:
            self._model_pair = self._compile(None)
        return self._model_pair

    def reshape(self, input_shape: Sequence[int]) -> None:
        """Fix the input's shape (a detector's (1, 3, 320, 320)); compiled once, for it."""
        self.model.reshape({self.model.inputs[0]: list(input_shape)})
        self.input_shape = tuple(int(v) for v in input_shape)
        self.static_batch = self.input_shape[0]
        self._compiled = {}
        self._model_pair = None

    def _compile(self, batch: Optional[int]) -> tuple:
        model = self.model
        if batch is not None:
            model = self.model.clone()
            shape = model.inputs[0].get_partial_shape()
            shape[0] = batch
            model.reshape({model.inputs[0]: shape})
        compiled = openvino_compile(model, self.precision, self.threads)
        return compiled, compiled.create_infer_request()

    def _infer(self, x: np.ndarray) -> List[np.ndarray]:
        with self._lock:  # one infer request per shape: callers in two threads take turns
            return self._infer_unlocked(x)

    def _infer_unlocked(self, x: np.ndarray) -> List[np.ndarray]:
        if self.static_batch is None and len(self._compiled) < self.max_shapes \
                and len(x) not in self._compiled:
            self._compiled[len(x)] = self._compile(len(x))
        compiled, request = self._compiled.get(len(x), self._dynamic)
        outs = request.infer({0: x})
        return [np.array(outs[o]) for o in compiled.outputs]

    def run(self, x):
        n = self.static_batch
        if n is None or len(x) == n:
            return self._infer(x)
        chunks = []
        for start in range(0, len(x), n):
            part = x[start:start + n]
            pad = n - len(part)
            if pad:
                part = np.concatenate([part, np.repeat(part[-1:], pad, 0)])
            chunks.append([o[:n - pad] for o in self._infer(part)])
        return [np.concatenate(c) for c in zip(*chunks)]


class NcnnSession(Session):
    """ncnn on the CPU (a ``.param`` / ``.bin`` pair converted by pnnx), one image at a time.

    ``fp16`` storage and arithmetic as converted.
    """
    backend = 'ncnn'

    def __init__(self, param: str, bin_path: Optional[str] = None, threads: int = 0,
                 fp16: bool = False, device: str = 'cpu') -> None:
        import ncnn
        if device != 'cpu':
            raise ValueError(f'the ncnn backend runs on the CPU here, not {device!r}')
        bin_path = bin_path or osp.splitext(param)[0] + '.bin'
        for path in (param, bin_path):
            _check_file(path, 'ncnn model file')
        self.net = ncnn.Net()
        opt = self.net.opt
        opt.use_vulkan_compute = False
        if threads:
            opt.num_threads = threads
        opt.use_fp16_packed = opt.use_fp16_storage = opt.use_fp16_arithmetic = fp16
        if self.net.load_param(param) != 0 or self.net.load_model(bin_path) != 0:
            raise ModelError(f'{param} / {bin_path} cannot be loaded by ncnn')
        self.precision = 'fp16' if fp16 else 'fp32'
        names = list(self.net.input_names())
        if len(names) != 1:
            raise ModelError(f'{param} has {len(names)} inputs; one image input expected')
        self.input_name = names[0]
        self.input_shape = (1, 3, None, None)
        self.output_names = list(self.net.output_names())
        self.output_ranks = [3] * len(self.output_names)  # ncnn drops the batch of one

    def run(self, x):
        import ncnn
        outs: List[List[np.ndarray]] = [[] for _ in self.output_names]
        for image in x:
            ex = self.net.create_extractor()
            ex.input(self.input_name, ncnn.Mat(np.ascontiguousarray(image)))
            for i, name in enumerate(self.output_names):
                outs[i].append(np.array(ex.extract(name)[1]))
        return [np.stack(o) for o in outs]


class TensorRTSession(Session):
    """A TensorRT engine on a CUDA device.

    A TensorRT engine (built by ``tools/deploy.py --backend tensorrt``) on a CUDA
    device, through torch's CUDA tensors.

    Raises:
        RuntimeError: tensorrt or CUDA is missing.
    """
    backend = 'tensorrt'

    def __init__(self, path: str, device: str = 'cuda:0') -> None:
        _check_file(path, 'TensorRT engine')
        index = _cuda_index(device)
        if index < 0:
            raise ValueError('the TensorRT backend runs on a CUDA device (cuda:N)')
        try:
            import tensorrt as trt
            import torch
        except ImportError as e:
            raise RuntimeError(f'the TensorRT backend needs tensorrt and torch with CUDA '
                               f'({e})') from None
        if not torch.cuda.is_available():
            raise RuntimeError('the TensorRT backend needs a CUDA GPU; none is available')
        self.torch, self.device = torch, f'cuda:{index}'
        logger = trt.Logger(trt.Logger.WARNING)
        with open(path, 'rb') as f, trt.Runtime(logger) as rt:
            self.engine = rt.deserialize_cuda_engine(f.read())
        if self.engine is None:
            raise ModelError(f'{path} is not a TensorRT engine this TensorRT can load')
        self.context = self.engine.create_execution_context()
        self._lock = threading.Lock()
        names = [self.engine.get_tensor_name(i) for i in range(self.engine.num_io_tensors)]
        inputs = [n for n in names if self.engine.get_tensor_mode(n) == trt.TensorIOMode.INPUT]
        if len(inputs) != 1:
            raise ModelError(f'{path} has {len(inputs)} inputs; one image input expected')
        self.input_name = inputs[0]
        self.input_shape = tuple(_dim(v) for v in self.engine.get_tensor_shape(inputs[0]))
        self.output_names = [n for n in names if n not in inputs]
        self.output_ranks = [len(self.engine.get_tensor_shape(n)) for n in self.output_names]

    def run(self, x):
        with self._lock:  # one execution context: callers in two threads take turns
            return self._run(x)

    def _run(self, x):
        torch = self.torch
        inp = torch.from_numpy(np.ascontiguousarray(x)).to(self.device)
        self.context.set_input_shape(self.input_name, tuple(inp.shape))
        self.context.set_tensor_address(self.input_name, inp.data_ptr())
        outs = []
        for name in self.output_names:
            out = torch.empty(tuple(self.context.get_tensor_shape(name)), dtype=torch.float32,
                              device=self.device)
            self.context.set_tensor_address(name, out.data_ptr())
            outs.append(out)
        self.context.execute_async_v3(torch.cuda.current_stream(self.device).cuda_stream)
        torch.cuda.synchronize(self.device)
        return [o.cpu().numpy() for o in outs]


class TorchSession(Session):
    """A pose model from its config and checkpoint in PyTorch.

    A pose model from its config and checkpoint in PyTorch (the training stack),
    on the CPU or a CUDA device: image tensor in, SimCC logits out (``extract_feat``
    then the head), as the exported graph computes."""
    backend = 'pytorch'

    def __init__(self, config: str, checkpoint: str, device: str = 'cpu') -> None:
        import torch

        from ..build import init_pose_model
        index = _cuda_index(device)
        if index >= 0 and not torch.cuda.is_available():
            raise RuntimeError(f'{device} asked for, but torch sees no CUDA device')
        self.torch, self.device = torch, device
        self.model = init_pose_model(config, checkpoint, device)
        codec = self.model.cfg.codec
        w, h = codec['input_size']
        self.input_name, self.input_shape = 'input', (None, 3, int(h), int(w))
        self.output_names, self.output_ranks = ['simcc_x', 'simcc_y'], [3, 3]
        self.config = self.model.cfg

    def run(self, x):
        torch = self.torch
        with torch.no_grad():
            sx, sy = self.model.head(self.model.extract_feat(
                torch.from_numpy(np.ascontiguousarray(x)).to(self.device)))
        return [sx.float().cpu().numpy(), sy.float().cpu().numpy()]
