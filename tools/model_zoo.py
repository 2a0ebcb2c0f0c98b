"""The model zoo's generated files.

    python tools/model_zoo.py            # print the README's model zoo table
    python tools/model_zoo.py --write    # write configs/**/metafile.yml and model-index.yml

The metafiles (mim's format: `mim search rtmpose_plugin`, `mim download`) are made from
mmpose's published results and our configs (rtmpose_plugin/model_index.py); a test
checks that the committed ones are what this makes.
"""
import sys
import warnings

warnings.filterwarnings('ignore')

from rtmpose_plugin.model_index import write  # noqa: E402
from rtmpose_plugin.zoo import HEADER, zoo_rows  # noqa: E402

if __name__ == '__main__':
    if '--write' in sys.argv[1:]:
        for path in write():
            print(f'wrote {path}')
    else:
        print(HEADER)
        for row in zoo_rows():
            print(row)
