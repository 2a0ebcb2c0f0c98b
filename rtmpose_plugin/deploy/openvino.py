"""OpenVINO: our MMDeploy ONNX export converted by OpenVINO's own converter, run in
f32, bf16 or INT8 (NNCF post-training quantization calibrated on person crops).

Why not MMDeploy's OpenVINO backend: MMDeploy 1.3.1 converts through the Model
Optimizer command ``mo`` and runs through ``openvino.inference_engine``; both were
removed from the ``openvino`` package (2025.0 and 2024.0). ``openvino.convert_model``
reads the very ONNX file MMDeploy writes for ONNX Runtime, so the graph (and our
rewriters) are the same for both backends.

Precision: ``int8`` is a property of the IR (NNCF inserts FakeQuantize nodes); ``fp32``
and ``bf16`` are one IR (float32 weights) compiled with a different inference precision.
:func:`to_openvino` records the precision in the IR's runtime info, which
:class:`OpenVINOPoseModel` reads, so an ``end2end.xml`` runs as it was deployed.
OpenVINO computes in bf16 by itself on a CPU that has it (seen here on AVX512_BF16, not
only AMX), so ``fp32`` is asked for explicitly.

Note: B crops, K keypoints, (w, h) the model input.
"""
from __future__ import annotations

import functools
import os
import os.path as osp
from typing import Dict, Optional, Tuple

import numpy as np

from ..core.simcc import decode_simcc
from .onnx import preprocess

PRECISIONS = ('fp32', 'bf16', 'int8')
#: OpenVINO's names of the inference precisions
_HINT = dict(fp32='f32', bf16='bf16', int8='f32')
_RT_KEY = ['rtmpose_plugin', 'precision']


@functools.lru_cache(maxsize=None)
def capabilities() -> Tuple[str, ...]:
    """What OpenVINO says the CPU can compute in (``FP32``, ``BF16``, ``INT8``, ...)."""
    import openvino as ov
    return tuple(ov.Core().get_property('CPU', 'OPTIMIZATION_CAPABILITIES'))


def compile_model(model, precision: str = 'fp32', threads: int = 0):
    """Compile an OpenVINO model (or a ``.xml`` / ``.onnx`` path) for the CPU.

    Raises:
        ValueError: an unknown precision.
        RuntimeError: bf16 on a CPU that cannot compute in it.
    """
    import openvino as ov
    if precision not in PRECISIONS:
        raise ValueError(f'OpenVINO precision must be one of {PRECISIONS}, got {precision!r}')
    if precision == 'bf16' and 'BF16' not in capabilities():
        raise RuntimeError('this CPU has no bf16 support (OpenVINO reports '
                           f'{capabilities()}); use fp32 or int8')
    config = {'INFERENCE_PRECISION_HINT': _HINT[precision], 'PERFORMANCE_HINT': 'LATENCY'}
    if threads:
        config['INFERENCE_NUM_THREADS'] = int(threads)
    core = ov.Core()
    if isinstance(model, str):
        if not osp.isfile(model):
            raise FileNotFoundError(f'OpenVINO model {model} does not exist')
        model = core.read_model(model)
    return core.compile_model(model, 'CPU', config)


def saved_precision(model) -> Optional[str]:
    """The precision :func:`to_openvino` recorded in a model, if any."""
    if model.has_rt_info(_RT_KEY):
        return str(model.get_rt_info(_RT_KEY).astype(str))
    return None


#: how ``to_openvino`` quantizes to INT8; a cached INT8 IR made another way is remade
INT8_RECIPE = 'nncf-mixed-minmax'


def to_openvino(onnx_path: str, xml_path: str, precision: str = 'fp32',
                calibration: Optional[np.ndarray] = None, batch: Optional[int] = None,
                preprocess_fn=preprocess) -> str:
    """ONNX -> OpenVINO IR (``.xml`` + ``.bin``), float32 weights, or INT8 by NNCF.

    Args:
        onnx_path: The MMDeploy export.
        xml_path: Where to write the IR.
        precision: ``fp32``, ``bf16`` (same IR, recorded) or ``int8``.
        calibration: (N, h, w, 3) uint8 BGR crops, for ``int8``.
        batch: A static batch size; None keeps the export's dynamic batch.
        preprocess_fn: crops (B, h, w, 3) -> network input, for calibration.

    Raises:
        ValueError: an unknown precision, or int8 without crops.
    """
    import openvino as ov
    if precision not in PRECISIONS:
        raise ValueError(f'OpenVINO precision must be one of {PRECISIONS}, got {precision!r}')
    if precision == 'int8' and (calibration is None or not len(calibration)):
        raise ValueError('int8 needs calibration crops (see calibration_crops)')
    model = ov.convert_model(onnx_path)
    if batch is not None:
        shape = model.inputs[0].get_partial_shape()
        shape[0] = int(batch)
        model.reshape({model.inputs[0]: shape})
    if precision == 'int8':
        import nncf
        from nncf.quantization.advanced_parameters import AdvancedQuantizationParameters
        from nncf.quantization.range_estimator import RangeEstimatorParametersSet

        # MIXED: asymmetric activations, as SiLU's are one-sided. Activation ranges: the
        # min / max over all crops (as ONNX Runtime's MinMax calibrator), not NNCF's
        # default mean over crops of each crop's min / max, which clips the crops with
        # the widest activations. Smoke-trained RTMPose-t, 13 crops (tools/
        # backend_accuracy.py): mean deviation from fp32 2.48 -> 0.61 px, peak jumps
        # 8 -> 3 of 204 keypoints, latency unchanged.
        model = nncf.quantize(
            model, nncf.Dataset(list(calibration), lambda crop: preprocess_fn(crop[None])),
            preset=nncf.QuantizationPreset.MIXED, subset_size=len(calibration),
            advanced_parameters=AdvancedQuantizationParameters(
                activations_range_estimator_params=RangeEstimatorParametersSet.MINMAX))
    model.set_rt_info(precision, _RT_KEY)
    os.makedirs(osp.dirname(osp.abspath(xml_path)), exist_ok=True)
    ov.save_model(model, xml_path, compress_to_fp16=False)
    return xml_path


class OpenVINOModel:
    """An OpenVINO model compiled for the CPU, one compiled copy per batch size.

    OpenVINO runs a static shape faster than a dynamic one (measured: RTMPose-m 5-7%,
    RTMDet-nano 320 about 40% at 1 thread), so an IR with a dynamic batch is compiled
    for each batch size it sees (up to ``max_shapes`` of them, then the dynamic one is
    used). An IR with a static batch is fed chunk by chunk, the last chunk padded.

    Args:
        path: ``.xml`` IR or an ``.onnx`` file (converted in memory).
        precision: ``fp32``, ``bf16`` or ``int8``; None: as recorded in the IR (``fp32``
            for a plain ONNX file).
        threads: inference threads (0: OpenVINO's default, all cores).
        input_shape: Fix the other dynamic input dimensions (e.g. a detector's
            (1, 3, 320, 320)).
        max_shapes: How many batch sizes get a static compiled copy.
    """

    def __init__(self, path: str, precision: Optional[str] = None, threads: int = 0,
                 input_shape: Optional[Tuple[int, ...]] = None, max_shapes: int = 8) -> None:
        import openvino as ov
        if not osp.isfile(path):
            raise FileNotFoundError(f'OpenVINO model {path} does not exist')
        self.model = ov.Core().read_model(path)
        recorded = saved_precision(self.model)
        if precision is None:
            precision = recorded or 'fp32'
        if precision == 'int8' and recorded != 'int8':
            raise ValueError(f'{path} is not an INT8 model: deploy it with precision int8')
        if recorded == 'int8':
            precision = 'int8'  # quantized: its float remainder runs in f32
        self.precision, self.path, self.threads = precision, path, threads
        if input_shape is not None:
            self.model.reshape({self.model.inputs[0]: list(input_shape)})
        shape = self.model.inputs[0].get_partial_shape()
        self.input_shape = shape
        self.static_batch = shape[0].get_length() if shape[0].is_static else None
        self.max_shapes = max_shapes
        self._compiled: Dict[object, tuple] = {}
        self._dynamic = self._compile(None)  # also checks the precision now

    def _compile(self, batch: Optional[int]) -> tuple:
        model = self.model
        if batch is not None:
            model = self.model.clone()
            shape = model.inputs[0].get_partial_shape()
            shape[0] = batch
            model.reshape({model.inputs[0]: shape})
        compiled = compile_model(model, self.precision, self.threads)
        return compiled, compiled.create_infer_request()

    def _infer(self, x: np.ndarray) -> list:
        if self.static_batch is None and len(self._compiled) < self.max_shapes \
                and len(x) not in self._compiled:
            self._compiled[len(x)] = self._compile(len(x))
        compiled, request = self._compiled.get(len(x), self._dynamic)
        outs = request.infer({0: x})
        return [np.array(outs[o]) for o in compiled.outputs]

    def run(self, x: np.ndarray) -> Tuple[np.ndarray, ...]:
        """The network's outputs for input ``x`` (B, ...)."""
        n = self.static_batch
        if n is None or len(x) == n:
            return tuple(self._infer(x))
        chunks = []
        for start in range(0, len(x), n):
            part = x[start:start + n]
            pad = n - len(part)
            if pad:
                part = np.concatenate([part, np.repeat(part[-1:], pad, 0)])
            chunks.append([o[:n - pad] for o in self._infer(part)])
        return tuple(np.concatenate(c) for c in zip(*chunks))


class OpenVINOPoseModel:
    """An exported pose model on OpenVINO: crops in, keypoints and scores out, decoded
    by the training-time decode. Arguments as :class:`OpenVINOModel`, plus the SimCC
    split ratio."""

    def __init__(self, path: str, precision: Optional[str] = None, threads: int = 0,
                 split_ratio: float = 2.0) -> None:
        self.net = OpenVINOModel(path, precision, threads)
        self.precision = self.net.precision
        h, w = (self.net.input_shape[i].get_length() for i in (2, 3))
        self.input_size = (w, h)
        self.split_ratio = split_ratio

    def logits(self, crops_bgr: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """(B, h, w, 3) uint8 crops -> x (B, K, Wx) and y (B, K, Wy) logits."""
        simcc_x, simcc_y = self.net.run(preprocess(crops_bgr))
        return simcc_x, simcc_y

    def __call__(self, crops_bgr: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """(B, h, w, 3) uint8 crops -> keypoints (B, K, 2) in input space, scores (B, K)."""
        return decode_simcc(*self.logits(crops_bgr), split_ratio=self.split_ratio)


def deploy_openvino(onnx_path: str, work_dir: str, precision: str,
                    calibration: Optional[np.ndarray], batch: Optional[int]) -> Dict[str, str]:
    """The IR of an exported pose model next to it: ``end2end[_int8].xml``."""
    name = 'end2end_int8.xml' if precision == 'int8' else 'end2end.xml'
    xml = to_openvino(onnx_path, osp.join(work_dir, name), precision, calibration, batch)
    return dict(model=xml, bin=xml[:-4] + '.bin')
