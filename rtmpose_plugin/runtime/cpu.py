"""Which CPU backend and precision to run.

The fastest this machine supports, read from its CPU flags.

The order follows the CPU latency and accuracy tables of docs/benchmarks.md:

1. OpenVINO ``int8`` where the CPU has 8-bit dot products (VNNI or AMX-INT8) and
   calibration crops are at hand (INT8 needs them);
2. OpenVINO ``bf16`` where the CPU computes in bf16 (AVX512_BF16 or AMX-BF16);
3. OpenVINO ``fp32``;
4. ONNX Runtime ``fp32`` where OpenVINO is not installed.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import FrozenSet, Iterable, Optional

INT8_FLAGS = frozenset({'avx512_vnni', 'avx_vnni', 'amx_int8'})
BF16_FLAGS = frozenset({'avx512_bf16', 'amx_bf16'})


def cpu_flags(cpuinfo: str = '/proc/cpuinfo') -> FrozenSet[str]:
    """The CPU's feature flags (Linux ``/proc/cpuinfo``); empty where unreadable."""
    try:
        with open(cpuinfo) as f:
            for line in f:
                if line.startswith(('flags', 'Features')):
                    return frozenset(line.split(':', 1)[1].split())
    except OSError:
        pass
    return frozenset()


def capabilities_allow(backend: str, precision: str) -> bool:
    """Whether this CPU can run a CPU backend's precision (OpenVINO bf16 needs bf16)."""
    if backend == 'openvino' and precision == 'bf16':
        from .sessions import openvino_capabilities
        return 'BF16' in openvino_capabilities()
    return True


@dataclass(frozen=True)
class Choice:
    backend: str
    precision: str
    reason: str

    def __str__(self) -> str:
        return f'{self.backend} {self.precision} ({self.reason})'

    def __iter__(self):  # (backend, precision, reason), as a tuple unpacks
        return iter((self.backend, self.precision, self.reason))

    def __getitem__(self, i):
        return tuple(self)[i]


def pick_cpu_backend(flags: Optional[Iterable[str]] = None, openvino: Optional[bool] = None,
                     calibration: bool = False) -> Choice:
    """The fastest CPU backend and precision for these flags.

    Args:
        flags: CPU flags; this machine's by default.
        openvino: Whether OpenVINO is installed; looked up by default.
        calibration: Whether calibration crops are available (INT8 needs them).
    """
    flags = cpu_flags() if flags is None else frozenset(flags)
    if openvino is None:
        openvino = importlib.util.find_spec('openvino') is not None
    int8 = sorted(flags & INT8_FLAGS)
    bf16 = sorted(flags & BF16_FLAGS)
    if not openvino:
        return Choice('onnxruntime', 'fp32', 'OpenVINO is not installed')
    if int8 and calibration:
        return Choice('openvino', 'int8', f'CPU has {", ".join(int8)}; calibration crops given')
    if bf16:
        hint = '; INT8 would be faster: give calibration data' if int8 else ''
        return Choice('openvino', 'bf16', f'CPU has {", ".join(bf16)}{hint}')
    if int8:
        return Choice('openvino', 'fp32', f'no bf16 on this CPU; it has {", ".join(int8)}: '
                      'give calibration data for INT8')
    return Choice('openvino', 'fp32', 'no bf16 or VNNI on this CPU')
