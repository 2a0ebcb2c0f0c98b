"""Fuzz the pipeline API and the command line longer than the tests do.

    python tools/fuzz.py [--cases 20000] [--seed 0]

Prints, per family (tools/benchmarks/fuzz.py), the cases that were taken, refused
with a clear error, crashed and silently wrong; exits 1 when any crashed or was silent.
"""
import argparse
import sys
import time
import warnings

from benchmarks.fuzz import FAMILIES, run_family

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--cases', type=int, default=20000, help='in all, over the families')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    warnings.simplefilter('ignore')  # the pipeline's warnings on odd frames, by the thousand
    per = max(1, args.cases // len(FAMILIES))
    print(f'{per} cases per family, seed {args.seed}')
    print('| family | cases | ok | clear error | crash | silent | seconds |\n'
          '|---|---|---|---|---|---|---|')
    bad = 0
    total = dict(ok=0, refused=0, crash=0, silent=0)
    for name, check in FAMILIES.items():
        start = time.perf_counter()
        counts, details = run_family(check, per, args.seed)
        for k in total:
            total[k] += counts[k]
        bad += counts['crash'] + counts['silent']
        print(f"| {name} | {sum(counts.values())} | {counts['ok']} | {counts['refused']} | "
              f"{counts['crash']} | {counts['silent']} | {time.perf_counter() - start:.1f} |",
              flush=True)
        for outcome, detail in details.items():
            print(f'  {name}: first {outcome}: {detail}', file=sys.stderr)
    print(f"| all | {sum(total.values())} | {total['ok']} | {total['refused']} | "
          f"{total['crash']} | {total['silent']} | |")
    sys.exit(1 if bad else 0)
