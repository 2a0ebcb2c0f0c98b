"""`make demo`: train, evaluate, export and run RTMPose on the bundled samples (CPU).

See tools/demo_steps.py for what each step does; `--help` for options.
"""
import sys
import warnings

warnings.filterwarnings('ignore', message='pkg_resources is deprecated')
warnings.filterwarnings('ignore', category=FutureWarning)

from demo_steps import main  # noqa: E402

if __name__ == '__main__':
    main(sys.argv[1:], say=lambda msg: print(f'[demo] {msg}', flush=True))
