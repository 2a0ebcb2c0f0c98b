"""Argument checks: the one rule for every number, choice and option a caller gives.

Each public object checks its own arguments once, when it is made, with these; the
command line uses :func:`arg_type` so that a bad option exits 2 with usage before any
model opens. A refused value raises :class:`ValueError` naming the argument, the value
and what is allowed, e.g. ``det_interval must be an integer >= 1, got 0``.
"""
from __future__ import annotations

import argparse
import math
import numbers
from typing import Any, Callable, Iterable, Mapping, Optional

__all__ = ['number', 'integer', 'probability', 'options', 'one_of', 'arg_type',
           'FLOAT32_MAX']

#: the largest float32; boxes and scores are float32 in the pipeline
FLOAT32_MAX = 3.4028234663852886e38


def _got(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return f'{value}'
    return f'{value!r} ({type(value).__name__})'


def _range(low, high, low_open: bool, high_open: bool) -> str:
    if low is not None and high is not None:
        return (f'in {"(" if low_open else "["}{low:g}, {high:g}{")" if high_open else "]"}')
    if low is not None:
        return f'{">" if low_open else ">="} {low:g}'
    if high is not None:
        return f'{"<" if high_open else "<="} {high:g}'
    return 'finite'


def number(name: str, value: Any, low: Optional[float] = None,
           high: Optional[float] = None, low_open: bool = False, high_open: bool = False,
           none: bool = False) -> Optional[float]:
    """``value`` as a finite float within the range, or None where ``none`` allows it.

    Raises:
        ValueError: not a real number (bool, str, complex count as not), not finite, or
            out of range; the message names the argument, the value and the range.
    """
    if value is None and none:
        return None
    what = f'{name} must be a finite number {_range(low, high, low_open, high_open)}'
    if none:
        what += ' or None'
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f'{what}, got {_got(value)}')
    try:
        v = float(value)
    except (OverflowError, ValueError):
        raise ValueError(f'{what}, got {_got(value)}') from None
    if not math.isfinite(v) or (low is not None and (v <= low if low_open else v < low)) or \
            (high is not None and (v >= high if high_open else v > high)):
        raise ValueError(f'{what}, got {_got(value)}')
    return v


def integer(name: str, value: Any, low: Optional[int] = None, high: Optional[int] = None,
            none: bool = False, multiple_of: Optional[int] = None) -> Optional[int]:
    """``value`` as an int within the range (a NumPy integer counts; a float does not).

    Raises:
        ValueError: not an integer, out of range, or not a multiple of ``multiple_of``.
    """
    if value is None and none:
        return None
    what = f'{name} must be an integer'
    if multiple_of:
        what = f'{name} must be a multiple of {multiple_of}'
    if low is not None or high is not None:
        what += ' ' + _range(low, high, False, False)
    if none:
        what += ' or None'
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f'{what}, got {_got(value)}')
    v = int(value)
    if (low is not None and v < low) or (high is not None and v > high) or \
            (multiple_of and v % multiple_of):
        raise ValueError(f'{what}, got {v}')
    return v


def probability(name: str, value: Any, none: bool = False) -> Optional[float]:
    """A threshold in [0, 1] (a score, an IoU, an OKS)."""
    return number(name, value, 0.0, 1.0, none=none)


def one_of(name: str, value: Any, allowed: Iterable) -> Any:
    """``value`` if it is one of ``allowed`` (compared by equality, bools kept apart).

    Raises:
        ValueError: naming the allowed values.
    """
    allowed = tuple(allowed)
    if not any(value == a and type(value) is type(a) for a in allowed):
        raise ValueError(f'{name} must be one of {", ".join(map(repr, allowed))}, got '
                         f'{_got(value)}')
    return value


def options(name: str, value: Any, checks: Mapping[str, Callable[[str, Any], Any]],
            none: bool = True) -> Optional[dict]:
    """A dict of keyword options, each key known and its value checked by its rule.

    Raises:
        ValueError: not a dict, an unknown key (the known ones named), or a bad value.
    """
    if value is None and none:
        return None
    if not isinstance(value, Mapping):
        raise ValueError(f'{name} must be a dict of {", ".join(checks)}'
                         f'{" or None" if none else ""}, got {_got(value)}')
    unknown = sorted(set(value) - set(checks))
    if unknown:
        raise ValueError(f'{name} has unknown key(s) {", ".join(map(repr, unknown))}; known: '
                         f'{", ".join(checks)}')
    return {k: checks[k](f'{name}[{k!r}]', v) for k, v in value.items()}


def arg_type(check: Callable[..., Any], convert: Callable[[str], Any] = float,
             **kwargs) -> Callable[[str], Any]:
    """An argparse ``type=`` from a check.

    It converts the option's text and applies ``check``, so that a bad value exits 2 with
    usage (``check`` is :func:`number` or :func:`integer`
    with their range keywords)."""

    def parse(text: str):
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f'expected {"an integer" if convert is int else "a number"}, got {text!r}') \
                from None
        try:
            return check('value', value, **kwargs)
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e).replace('value must be', 'must be', 1)) \
                from None

    parse.__name__ = 'integer' if convert is int else 'number'
    return parse
