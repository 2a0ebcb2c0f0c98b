"""The property-based fuzz suite over the pipeline API and the command line
(tools/benchmarks/fuzz.py): a few hundred cases a family here; `python tools/fuzz.py
--cases 20000 --seed 0` runs it longer."""
import pytest

from tools.benchmarks.fuzz import FAMILIES, run_family

CASES = 300  # per family


@pytest.mark.parametrize('family', sorted(FAMILIES))
def test_fuzz_family(family):
    counts, details = run_family(FAMILIES[family], CASES, derandomize=True)
    assert sum(counts.values()) >= 1  # small spaces are exhausted before CASES
    assert counts['crash'] == 0 and counts['silent'] == 0, details
