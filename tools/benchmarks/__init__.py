"""Side-by-side benchmarks against the reference implementations (one process)."""
from .timing import Comparison, compare

__all__ = ['Comparison', 'compare']
