"""Fuzz the pipeline API longer than the tests do, with a seed, and print the outcomes
per family (the families and their checks: tools/benchmarks/fuzz.py).

    python tools/fuzz.py [--cases 10000] [--seed 0]
"""
import argparse
import collections
import time

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from benchmarks.fuzz import FAMILIES

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--cases', type=int, default=10000, help='in all, over the families')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    per = max(1, args.cases // len(FAMILIES))
    print(f'{per} cases per family, seed {args.seed}')
    print('| family | cases | accepted | refused (InputError) | failures | seconds |\n'
          '|---|---|---|---|---|---|')
    for name, check in FAMILIES.items():
        counts = collections.Counter()

        @seed(args.seed)
        @settings(max_examples=per, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(st.data())
        def run(data):
            counts[check(data)] += 1

        start = time.perf_counter()
        failed = 0
        try:
            run()
        except Exception as e:  # hypothesis re-raises the smallest failing case
            failed = 1
            print(f'{name}: FAILED: {type(e).__name__}: {e}')
        print(f"| {name} | {sum(counts.values())} | {counts['ok']} | {counts['refused']} | "
              f'{failed} | {time.perf_counter() - start:.1f} |', flush=True)
