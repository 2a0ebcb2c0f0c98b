#!/usr/bin/env bash
# Set up (idempotently) the local virtual environment that `make demo` and
# `make test` run in: the OpenMMLab stack on today's Python/PyTorch.
#
# The recipe and the reasons for each odd flag are in docs/stack.md (measured
# on this project's machine kind). A second run checks each step in well under
# a minute and installs nothing.
set -euo pipefail

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

say() { printf '[setup] %s\n' "$*"; }

if [ ! -x "$VENV/bin/python" ]; then
  say "creating the virtual environment $VENV (first run: this takes 10-15 minutes, mostly the mmcv build)"
  "$PYTHON" -m venv "$VENV"
fi
py="$(cd "$VENV" && pwd)/bin/python"
pip() { "$py" -m pip install --disable-pip-version-check -q "$@"; }
# have NAME VERSION_PREFIX: true when the distribution NAME is installed at a version starting with VERSION_PREFIX
have() {
  "$py" - "$1" "${2:-}" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version, PackageNotFoundError
try:
    v = version(sys.argv[1])
except PackageNotFoundError:
    sys.exit(1)
sys.exit(0 if v.startswith(sys.argv[2]) else 1)
PY
}

# setuptools: torch 2.13 wants >= 77; 81 drops pkg_resources, which mmcv's
# setup.py, mmengine, mmdeploy and openmim import.
"$py" -c 'import setuptools, pkg_resources, sys; v = int(setuptools.__version__.split(".")[0]); sys.exit(not 77 <= v < 81)' 2>/dev/null \
  || { say "installing build tools"; pip "setuptools>=77,<81" wheel "numpy>=2" cython ninja; }

# torch: keep an installed torch 2.x, else the CPU build of 2.13.0.
if ! have torch 2.; then
  say "installing torch==2.13.0 (CPU build)"
  pip torch==2.13.0
fi

have mmengine 0.10.7 || { say "installing mmengine 0.10.7"; pip mmengine==0.10.7; }

if ! have mmcv 2.1.0; then
  say "building mmcv 2.1.0 from source with its ops: about 10 minutes on 2 cores the first time"
  say "(pip caches the wheel it builds, so a later install on this machine takes seconds)"
  MMCV_WITH_OPS=1 MAX_JOBS=${MAX_JOBS:-2} pip --no-build-isolation mmcv==2.1.0
fi

have mmdet 3.3.0 || { say "installing mmdet 3.3.0"; pip mmdet==3.3.0; }

if ! have mmpose 1.3.2; then
  # --no-deps: mmpose's requirements name chumpy (does not build) and
  # torchvision (no CPU build for torch 2.13); nothing we use imports chumpy.
  say "installing mmpose 1.3.2 (without chumpy/torchvision; pip then warns that they are missing: expected)"
  pip json-tricks matplotlib munkres scipy pillow opencv-python
  pip --no-deps mmpose==1.3.2
fi

if ! have xtcocotools 1.14; then
  # The published wheels are built against NumPy 1 and fail under NumPy 2.
  say "building xtcocotools 1.14.3 against NumPy 2"
  pip --no-binary xtcocotools --no-build-isolation xtcocotools==1.14.3
fi
have pycocotools || { say "installing pycocotools"; pip pycocotools; }

if ! have mmdeploy 1.3.1; then
  # --no-deps: mmdeploy pins protobuf<=3.20.2, yet imports and exports with
  # today's protobuf and onnx.
  say "installing mmdeploy 1.3.1, onnx, onnxruntime"
  pip onnx onnxruntime aenum prettytable multiprocess six grpcio
  pip --no-deps mmdeploy==1.3.1
fi

have pnnx && have ncnn && have onnxconverter-common \
  || { say "installing ncnn, pnnx and onnxconverter-common (ncnn and fp16 deployment)"; pip pnnx ncnn onnxconverter-common; }

if ! have openvino 2026.4 || ! have nncf 3.4; then
  # MMDeploy's own OpenVINO backend needs the removed Model Optimizer (`mo`) and
  # openvino.inference_engine: we convert MMDeploy's ONNX with openvino.convert_model.
  say "installing openvino 2026.4.1 and nncf 3.4.0 (the fastest CPU backend, INT8 by NNCF)"
  pip openvino==2026.4.1 nncf==3.4.0
fi

if ! have openmim 0.3.9; then
  # --no-deps: openmim requires opendatalab -> openxlab, which pins
  # setuptools~=60.2 (no longer builds torch extensions), requests and rich;
  # mim itself never imports them (they serve `mim download --dataset`).
  say "installing openmim 0.3.9"
  pip click colorama model-index pandas requests rich tabulate
  pip --no-deps openmim==0.3.9
fi
if ! have albumentations 1.4; then
  # Reference only: mmpose's own RTMPose recipe, the baseline of
  # tools/benchmark_training.py, needs albumentations < 2 for its Albumentation
  # wrapper. --no-deps: its opencv-python-headless would shadow opencv-python.
  say "installing albumentations 1.4.24 (for benchmarks against mmpose's recipe)"
  pip "pydantic>=2.9.2" "stringzilla>=3.10.4" "simsimd>=5.9.2"
  pip --no-deps albumentations==1.4.24 albucore==0.0.23
fi
# Reference only: rtmlib, the baseline of tools/benchmark_pipeline.py; --no-deps, as
# its opencv-contrib-python would shadow opencv-python.
have rtmlib || { say "installing rtmlib (for benchmarks)"; pip --no-deps rtmlib==0.0.16; }
have pytest || { say "installing pytest"; pip pytest pytest-timeout; }
have hypothesis || { say "installing hypothesis (the fuzz tests)"; pip hypothesis; }
# The [distributed] extra: `rtmpose extract --engine ray` and its tests (a local cluster).
have ray 2.60 || { say "installing ray 2.60.0 (rtmpose extract --engine ray)"; pip ray==2.60.0; }

# The plugin itself, as a regular install: mim looks for configs and tools in
# <site-packages>/rtmpose_plugin/.mim, which an editable install does not have.
# Reinstalled whenever its sources change (a few seconds).
src_hash=$(find rtmpose_plugin configs tools pyproject.toml model-index.yml -type f \( -name '*.py' -o -name '*.toml' -o -name '*.json' -o -name '*.yml' \) \
  -not -path '*/__pycache__/*' | LC_ALL=C sort | xargs cat | sha1sum | cut -d' ' -f1)
if ! have rtmpose_plugin || [ "$(cat "$VENV/.rtmpose_plugin_src" 2>/dev/null)" != "$src_hash" ]; then
  say "installing rtmpose_plugin from this checkout"
  pip --no-deps --no-build-isolation --force-reinstall .
  rm -rf build rtmpose_plugin.egg-info
  echo "$src_hash" > "$VENV/.rtmpose_plugin_src"
fi
say "environment ready: $VENV ($(cd / && "$py" -c 'import torch, mmcv, mmpose, rtmpose_plugin; print("torch", torch.__version__, "mmcv", mmcv.__version__, "mmpose", mmpose.__version__, "rtmpose_plugin", rtmpose_plugin.__version__)' 2>/dev/null || echo 'import check failed'))"
