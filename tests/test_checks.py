"""The one rule for arguments (rtmpose_plugin/checks.py) and its argparse types."""
import argparse
import math

import numpy as np
import pytest

from rtmpose_plugin.checks import arg_type, integer, number, one_of, options, probability


@pytest.mark.parametrize('value', [math.nan, math.inf, -math.inf, '1', None, True, 1j, [1],
                                   10**400, -0.1, 1.1])
def test_a_probability_refuses_what_is_not_a_finite_number_in_range(value):
    with pytest.raises(ValueError) as e:
        probability('det_score_thr', value)
    assert str(e.value).startswith('det_score_thr must be a finite number in [0, 1], got')
    assert '\n' not in str(e.value)


def test_numbers_in_range_are_taken_as_floats():
    assert probability('p', np.float32(0.25)) == 0.25 and probability('p', 1) == 1.0
    assert number('fps', 30, 0, low_open=True) == 30.0
    with pytest.raises(ValueError, match=r'fps must be a finite number > 0, got 0'):
        number('fps', 0, 0, low_open=True)
    assert number('x', None, none=True) is None


def test_integers():
    assert integer('det_interval', np.int64(3), 1) == 3
    for bad in (0, 2.0, '2', True, None, math.nan):
        with pytest.raises(ValueError, match='det_interval must be an integer >= 1'):
            integer('det_interval', bad, 1)
    with pytest.raises(ValueError, match='det_size must be a multiple of 32 in \\[32, 4096\\], '
                                         'got 100'):
        integer('det_size', 100, 32, 4096, multiple_of=32)
    assert integer('det_size', None, none=True) is None


def test_choices_and_options():
    assert one_of('track', False, (True, False, 'main')) is False
    with pytest.raises(ValueError, match="track must be one of True, False, 'main', got 1"):
        one_of('track', 1, (True, False, 'main'))
    rules = {'beta': lambda n, v: number(n, v, 0)}
    assert options('smoothing', {'beta': 1}, rules) == {'beta': 1.0}
    with pytest.raises(ValueError, match="unknown key\\(s\\) 'cutoff'; known: beta"):
        options('smoothing', {'cutoff': 1}, rules)
    with pytest.raises(ValueError, match="smoothing must be a dict of beta or None, got 'yes'"):
        options('smoothing', 'yes', rules)
    with pytest.raises(ValueError, match=r"smoothing\['beta'\] must be"):
        options('smoothing', {'beta': -1}, rules)


def test_argparse_types_exit_2_with_the_rule():
    p = argparse.ArgumentParser()
    p.add_argument('--det-size', type=arg_type(integer, int, low=32, multiple_of=32))
    p.add_argument('--kpt-thr', type=arg_type(probability))
    assert p.parse_args(['--det-size', '640', '--kpt-thr', '0.3']).det_size == 640
    for argv in (['--det-size', '7'], ['--det-size', 'x'], ['--kpt-thr', 'nan'],
                 ['--kpt-thr', '2']):
        with pytest.raises(SystemExit) as e:
            p.parse_args(argv)
        assert e.value.code == 2
