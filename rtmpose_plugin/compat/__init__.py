"""The one place where rtmpose_plugin works around the upstream OpenMMLab stack.

Each fix names the upstream problem it answers (measured in ``docs/stack.md``),
checks whether that problem is present, and does nothing where the installed
package is already fixed. :func:`apply_all` runs them; it is called when
``rtmpose_plugin`` is imported, so every config that lists ``rtmpose_plugin`` in
``custom_imports`` gets them, in the training process and in each worker.

``applied()`` reports which fixes were needed in this process.
"""
from __future__ import annotations

from .checkpoint import (UntrustedCheckpointError, load_checkpoint_file,
                         trust_checkpoint)
from .fixes import applied, apply_all

__all__ = [
    'apply_all', 'applied', 'load_checkpoint_file', 'trust_checkpoint',
    'UntrustedCheckpointError'
]
