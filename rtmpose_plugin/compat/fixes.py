"""The fixes themselves; see the package docstring and ``docs/stack.md``."""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
from typing import Callable, Dict, List

_applied: Dict[str, bool] = {}


def applied() -> Dict[str, bool]:
    """Which fixes were needed (True) or found unnecessary (False) here."""
    return dict(_applied)


def _once(name: str) -> Callable[[Callable[[], bool]], Callable[[], bool]]:

    def deco(fn: Callable[[], bool]) -> Callable[[], bool]:

        def run() -> bool:
            if name not in _applied:
                _applied[name] = bool(fn())
            return _applied[name]

        run.__name__ = fn.__name__
        run.__doc__ = fn.__doc__
        return run

    return deco


def torchvision_usable() -> bool:
    """True where ``import torchvision.transforms`` works."""
    if importlib.util.find_spec('torchvision') is None:
        return False
    try:
        importlib.import_module('torchvision.transforms')
    except Exception:  # the CUDA wheel fails on import on CPU-only torch builds
        return False
    return True


@_once('mmpose_visualization_without_torchvision')
def fix_mmpose_visualization() -> bool:
    """Let ``mmpose.visualization`` import without torchvision.

    Upstream: ``mmpose/visualization/simcc_vis.py`` (mmpose 1.3.2) imports
    ``torchvision.transforms.ToPILImage`` at module level, and there is no
    torchvision for torch 2.13 on CPU, so ``import mmpose.visualization`` (and
    with it ``register_all_modules()`` and the visualizer registry) fails.

    Fix: where torchvision cannot be imported, ``mmpose.visualization.simcc_vis``
    is provided by :mod:`rtmpose_plugin.compat.simcc_vis`, our torchvision-free
    ``SimCCVisualizer``. torchvision itself stays absent
    (``importlib.util.find_spec('torchvision')`` is still ``None``).
    """
    name = 'mmpose.visualization.simcc_vis'
    if name in sys.modules or torchvision_usable():
        return False
    if importlib.util.find_spec('mmpose') is None:
        return False
    from . import simcc_vis
    sys.modules[name] = simcc_vis
    return True


@_once('checkpoint_weights_only')
def fix_checkpoint_loading() -> bool:
    """Load mmengine checkpoints safely on torch >= 2.6.

    Upstream: mmengine 0.10.7 loads checkpoints with a bare ``torch.load``,
    which since torch 2.6 means ``weights_only=True`` without the globals that
    mmengine checkpoints contain, and loads URLs through
    ``torch.hub.load_state_dict_from_url`` (full unpickling of a download).

    Fix: mmengine's local and http(s) checkpoint schemes are re-registered with
    loaders that use :func:`~rtmpose_plugin.compat.load_checkpoint_file` (an
    allow-list, never blanket unpickling). Skipped where mmengine already
    passes ``weights_only`` itself.
    """
    import torch
    from mmengine.runner import checkpoint as mm_ckpt
    if not hasattr(torch.serialization, 'safe_globals'):
        return False  # torch < 2.5: weights_only is not the default there
    if 'weights_only' in inspect.getsource(mm_ckpt.load_from_local):
        return False
    from .checkpoint import download_checkpoint, load_checkpoint_file

    def load_from_local(filename, map_location=None):
        import os.path as osp
        filename = osp.expanduser(filename)
        if not osp.isfile(filename):
            raise FileNotFoundError(f'Checkpoint {filename} can not be found.')
        return load_checkpoint_file(filename, map_location=map_location)

    def load_from_http(filename, map_location=None, model_dir=None):
        from mmengine.dist import barrier, get_dist_info
        rank, world_size = get_dist_info()
        if rank == 0:
            path = download_checkpoint(filename, model_dir)
        if world_size > 1:
            barrier()
            if rank > 0:
                path = download_checkpoint(filename, model_dir)
        return load_checkpoint_file(path, map_location=map_location)

    mm_ckpt.CheckpointLoader.register_scheme('', load_from_local, force=True)
    mm_ckpt.CheckpointLoader.register_scheme(('http://', 'https://'), load_from_http,
                                             force=True)
    return True


@_once('onnx_export_torchscript')
def fix_onnx_export() -> bool:
    """Keep MMDeploy's ONNX export on the TorchScript exporter and its rewriters.

    Upstream: since torch 2.9 ``torch.onnx.export`` defaults to the dynamo exporter.
    MMDeploy 1.3.1 calls it without ``dynamo=``, so its export takes the new path, fails
    (``No module named 'onnxscript'``) and would bypass MMDeploy's rewriters anyway.

    Fix: a rewriter of ``torch.onnx.export``, registered with MMDeploy's own
    ``FUNCTION_REWRITER``, so it is active only inside MMDeploy's export
    context and passes ``dynamo=False`` unless the caller chose. Skipped where
    torch's default is already the TorchScript exporter, or without MMDeploy.
    """
    import torch
    params = inspect.signature(torch.onnx.export).parameters
    if 'dynamo' not in params or params['dynamo'].default is not True:
        return False
    if importlib.util.find_spec('mmdeploy') is None:
        return False
    from mmdeploy.core import FUNCTION_REWRITER

    @FUNCTION_REWRITER.register_rewriter(func_name='torch.onnx.export')
    def onnx_export__torchscript(*args, **kwargs):
        ctx = FUNCTION_REWRITER.get_context()
        kwargs.setdefault('dynamo', False)
        return ctx.origin_func(*args, **kwargs)

    return True


def numpy_refuses_int_of_1d_arrays() -> bool:
    import numpy as np
    try:
        int(np.array([1]))
    except TypeError:
        return True
    return False


@_once('opencv_visualizer_radius_numpy2')
def fix_opencv_visualizer_radius() -> bool:
    """Let mmpose's OpenCV visualizer draw on NumPy 2.

    Upstream: mmpose 1.3.2's ``PoseLocalVisualizer`` passes keypoint radii as
    ``np.array([r])`` and its OpenCV backend draws with ``int(radius)``; NumPy
    2.4 no longer converts a 1-element array to a scalar (``TypeError: only
    0-dimensional arrays can be converted to Python scalars``), so drawing any
    pose with the default OpenCV backend fails (``PoseVisualizationHook``,
    ``MMPoseInferencer``, ``tools/test.py --show-dir``).

    Fix: ``OpencvBackendVisualizer.draw_circles`` takes a 1-element radius as
    the scalar it holds. Skipped where NumPy still converts such arrays.
    """
    if not numpy_refuses_int_of_1d_arrays():
        return False
    if importlib.util.find_spec('mmpose') is None:
        return False
    import numpy as np
    from mmpose.visualization.opencv_backend_visualizer import OpencvBackendVisualizer
    original = OpencvBackendVisualizer.draw_circles

    def draw_circles(self, center, radius, face_colors='none', alpha=1.0, **kwargs):
        if self.backend == 'opencv' and isinstance(radius, np.ndarray) and radius.size == 1:
            radius = radius.item()
        return original(self, center, radius, face_colors=face_colors, alpha=alpha, **kwargs)

    draw_circles.__doc__ = original.__doc__
    draw_circles.__wrapped__ = original
    OpencvBackendVisualizer.draw_circles = draw_circles
    return True


@_once('distributed_cpu')
def fix_distributed_cpu() -> bool:
    """Let mmengine train distributed on CPU processes.

    Upstream: mmengine 0.10.7 cannot start distributed training on CPU
    processes (CUDA ``set_device`` at init, DDP ``device_ids`` for a CPU module,
    ``nn.SyncBatchNorm`` GPU-only). See :mod:`rtmpose_plugin.compat.distributed`."""
    from . import distributed
    return distributed.apply()


@_once('keypoint_converter_wholebody')
def fix_keypoint_converter() -> bool:
    """Let ``KeypointConverter`` take COCO-WholeBody instances.

    Upstream: mmpose 1.3.2's ``CocoWholeBodyDataset`` gives every instance
    ``keypoints_3d=None``, and ``KeypointConverter`` reads ``keypoints_3d``
    whenever the key is present (``None.shape``: ``AttributeError``), so every
    mixture that maps COCO-WholeBody onto another keypoint set fails on its first
    sample: mmpose's own Body8 Halpe-26 and Cocktail14 configs.

    Fix: ``KeypointConverter.transform`` drops a ``keypoints_3d`` that is None
    before converting (a real 3-D array is converted as before).
    """
    if importlib.util.find_spec('mmpose') is None:
        return False
    from mmpose.datasets.transforms.converting import KeypointConverter
    original = KeypointConverter.transform
    if getattr(original, '__wrapped__', None) is not None:
        return False

    def transform(self, results: dict) -> dict:
        if 'keypoints_3d' in results and results['keypoints_3d'] is None:
            del results['keypoints_3d']
        return original(self, results)

    transform.__doc__ = original.__doc__
    transform.__wrapped__ = original
    KeypointConverter.transform = transform
    return True


def _mmdeploy_present() -> bool:
    return importlib.util.find_spec('mmdeploy') is not None


@_once('mmdeploy_codec_dispatch')
def fix_mmdeploy_codecs() -> bool:
    """Teach MMDeploy's mmpose codebase our codec.

    Upstream: MMDeploy 1.3.1's mmpose codebase knows codecs by type string, so
    ``deploy.py --dump-info`` raises ``Unsupported codecs type: RTMSimCCLabel`` and its
    backend model (visualisation, ``test.py``) decodes only the x logits. See
    :mod:`rtmpose_plugin.compat.mmdeploy` (1)."""
    if not _mmdeploy_present() or importlib.util.find_spec('mmpose') is None:
        return False
    from . import mmdeploy
    return mmdeploy.fix_codec_dispatch()


@_once('mmdeploy_openvino_without_mo')
def fix_mmdeploy_openvino() -> bool:
    """Run MMDeploy's OpenVINO route on today's ``openvino``.

    Upstream: MMDeploy 1.3.1 converts to OpenVINO with ``mo`` and runs it with
    ``openvino.inference_engine``, both removed from ``openvino``. See
    :mod:`rtmpose_plugin.compat.mmdeploy` (2). Skipped where both are present."""
    if not _mmdeploy_present():
        return False
    from . import mmdeploy
    return mmdeploy.fix_openvino()


@_once('mmdeploy_ncnn_without_onnx2ncnn')
def fix_mmdeploy_ncnn() -> bool:
    """Run MMDeploy's ncnn route without its compiled converter.

    Upstream: MMDeploy 1.3.1 converts to ncnn with its compiled
    ``mmdeploy_onnx2ncnn``, which its pip package lacks (``PermissionError: ''``). See
    :mod:`rtmpose_plugin.compat.mmdeploy` (3). Skipped where the binary is present."""
    if not _mmdeploy_present():
        return False
    from . import mmdeploy
    return mmdeploy.fix_ncnn()


FIXES: List[Callable[[], bool]] = [
    fix_mmpose_visualization, fix_checkpoint_loading, fix_onnx_export,
    fix_opencv_visualizer_radius, fix_distributed_cpu, fix_keypoint_converter,
    fix_mmdeploy_codecs, fix_mmdeploy_openvino, fix_mmdeploy_ncnn
]


def apply_all() -> Dict[str, bool]:
    """Apply every fix that this environment needs; idempotent."""
    for fix in FIXES:
        fix()
    return applied()
