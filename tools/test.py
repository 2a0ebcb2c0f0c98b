"""Evaluate a checkpoint: `python tools/test.py CONFIG CHECKPOINT [--data-root D]`.

Also what `mim test rtmpose_plugin CONFIG --checkpoint CKPT` runs.
See rtmpose_plugin/apis/training.py.
"""
from rtmpose_plugin.apis import test

if __name__ == '__main__':
    test()
