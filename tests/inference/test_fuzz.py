"""The property-based fuzz suite over the pipeline API (tools/benchmarks/fuzz.py): a few
thousand cases here; `python tools/fuzz.py --cases 10000 --seed 0` runs it longer."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tools.benchmarks.fuzz import FAMILIES

CASES = 1000  # per family: 5,000 in all


@pytest.mark.parametrize('family', sorted(FAMILIES))
def test_fuzz_family(family):
    check = FAMILIES[family]

    @settings(max_examples=CASES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def run(data):
        assert check(data) in ('ok', 'refused')

    run()
