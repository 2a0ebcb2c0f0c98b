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
    print(f'{args.cases} cases over {len(FAMILIES)} families, seed {args.seed}; a family whose '
          'cases run out leaves its share to the others')
    print('| family | cases | ok | clear error | crash | silent | seconds |\n'
          '|---|---|---|---|---|---|---|')
    rows, total = {}, dict(ok=0, refused=0, crash=0, silent=0)
    bad = 0

    def measure(name, cases, seed):
        start = time.perf_counter()
        counts, details = run_family(FAMILIES[name], cases, seed)
        for outcome, detail in details.items():
            print(f'  {name}: first {outcome}: {detail}', file=sys.stderr)
        row = rows.setdefault(name, dict(ok=0, refused=0, crash=0, silent=0, seconds=0.0))
        for k in total:
            row[k] += counts[k]
        row['seconds'] += time.perf_counter() - start
        return sum(counts.values())

    open_ended = [name for name in FAMILIES if measure(name, per, args.seed) >= per]
    left = args.cases - sum(sum(r[k] for k in total) for r in rows.values())
    for i, name in enumerate(open_ended):  # the exhausted families' share, new draws
        share = left // (len(open_ended) - i)
        if share > 0:
            left -= measure(name, share, args.seed + 1)
    for name, row in rows.items():
        for k in total:
            total[k] += row[k]
        bad += row['crash'] + row['silent']
        print(f"| {name} | {sum(row[k] for k in total)} | {row['ok']} | {row['refused']} | "
              f"{row['crash']} | {row['silent']} | {row['seconds']:.1f} |")
    print(f"| all | {sum(total.values())} | {total['ok']} | {total['refused']} | "
          f"{total['crash']} | {total['silent']} | |")
    sys.exit(1 if bad else 0)
