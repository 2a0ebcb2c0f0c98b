"""Print the model zoo table of the README: `python tools/model_zoo.py`."""
import warnings

warnings.filterwarnings('ignore')

from rtmpose_plugin.zoo import HEADER, zoo_rows  # noqa: E402

if __name__ == '__main__':
    print(HEADER)
    for row in zoo_rows():
        print(row)
