"""OpenVINO: our ONNX export converted to an IR, in f32, bf16 or INT8.

OpenVINO: our MMDeploy ONNX export converted by OpenVINO's own converter, run in
f32, bf16 or INT8 (NNCF post-training quantization calibrated on person crops).

MMDeploy's own OpenVINO route (its scripts) runs on the stand-ins of
:mod:`rtmpose_plugin.compat.mmdeploy`, in f32; this one reads the same ONNX export and
adds bf16, INT8 and the embedded meta (docs/deploy.md has the two side by side).

Precision: ``int8`` is a property of the IR (NNCF inserts FakeQuantize nodes); ``fp32``
and ``bf16`` are one IR (float32 weights) compiled with a different inference precision.
:func:`to_openvino` records the precision in the IR's runtime info, which
:class:`rtmpose_plugin.runtime.sessions.OpenVINOSession` reads, so an ``end2end.xml`` runs
as it was deployed; the model meta is recorded beside it.
OpenVINO computes in bf16 by itself on a CPU that has it (AVX512_BF16 or AMX), so
``fp32`` is asked for explicitly (docs/deploy.md).

Sessions on OpenVINO are :class:`rtmpose_plugin.runtime.sessions.OpenVINOSession`.
"""
from __future__ import annotations

import os
import os.path as osp
from typing import Callable, Dict, Optional, Sequence

import numpy as np

from ..runtime.backends import BACKENDS
from ..runtime.meta import RT_INFO_PATH, ModelMeta
from ..runtime.sessions import PRECISION_RT_INFO

#: how ``to_openvino`` quantizes to INT8; a cached INT8 IR made another way is remade
INT8_RECIPE = 'nncf-mixed-minmax'


def to_openvino(onnx_path: str, xml_path: str, precision: str = 'fp32',
                calibration: Optional[np.ndarray] = None, batch: Optional[int] = None,
                preprocess_fn: Optional[Callable[[np.ndarray], np.ndarray]] = None,
                meta: Optional[ModelMeta] = None, keep_fp32: Sequence[str] = ()) -> str:
    """ONNX -> OpenVINO IR (``.xml`` + ``.bin``), float32 weights, or INT8 by NNCF.

    Args:
        onnx_path: The MMDeploy export.
        xml_path: Where to write the IR.
        precision: ``fp32``, ``bf16`` (same IR, recorded) or ``int8``.
        calibration: (N, h, w, 3) uint8 BGR crops, for ``int8``.
        batch: A static batch size; None keeps the export's dynamic batch.
        preprocess_fn: crops (B, h, w, 3) -> network input, for calibration; by
            default normalised as ``meta`` says.
        meta: the model's meta, recorded in the IR (read from the ONNX file by default).
        keep_fp32: int8: patterns of the node names left unquantized (NNCF's ignored
            scope; see :data:`.precision.FALLBACK_GROUPS`).

    Raises:
        ValueError: an unknown precision, or int8 without crops.
    """
    import openvino as ov
    if precision not in BACKENDS['openvino'].precisions:
        raise ValueError(f'OpenVINO precision must be one of '
                         f'{BACKENDS["openvino"].precisions}, got {precision!r}')
    if precision == 'int8' and (calibration is None or not len(calibration)):
        raise ValueError('int8 needs calibration crops (see calibration_crops)')
    if meta is None:
        from .embed import file_meta
        meta = file_meta(onnx_path)
    if preprocess_fn is None:
        from ..core.image import normalize
        if meta is None:
            raise ValueError(f'{onnx_path} carries no meta: give preprocess_fn for int8')
        preprocess_fn = lambda crops: normalize(crops, meta.mean, meta.std,  # noqa: E731
                                                meta.to_rgb)
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
        # the widest activations (the accuracy cost of each: docs/benchmarks.md).
        model = nncf.quantize(
            model, nncf.Dataset(list(calibration), lambda crop: preprocess_fn(crop[None])),
            preset=nncf.QuantizationPreset.MIXED, subset_size=len(calibration),
            ignored_scope=nncf.IgnoredScope(patterns=list(keep_fp32), validate=False)
            if keep_fp32 else None,
            advanced_parameters=AdvancedQuantizationParameters(
                activations_range_estimator_params=RangeEstimatorParametersSet.MINMAX))
    model.set_rt_info(precision, PRECISION_RT_INFO)
    if meta is not None:
        model.set_rt_info(meta.to_json(), RT_INFO_PATH)
    os.makedirs(osp.dirname(osp.abspath(xml_path)), exist_ok=True)
    ov.save_model(model, xml_path, compress_to_fp16=False)
    return xml_path


def ir_name(precision: str) -> str:
    """The IR file of an exported pose model: ``end2end[_int8].xml``."""
    return 'end2end_int8.xml' if precision == 'int8' else 'end2end.xml'


def deploy_openvino(onnx_path: str, work_dir: str, precision: str,
                    calibration: Optional[np.ndarray], batch: Optional[int],
                    meta: Optional[ModelMeta] = None, keep_fp32: Sequence[str] = (),
                    name: Optional[str] = None) -> Dict[str, str]:
    """The IR of an exported pose model next to it (:func:`ir_name`, or ``name``)."""
    xml = to_openvino(onnx_path, osp.join(work_dir, name or ir_name(precision)), precision,
                      calibration, batch, meta=meta, keep_fp32=keep_fp32)
    return dict(model=xml, bin=xml[:-4] + '.bin')
