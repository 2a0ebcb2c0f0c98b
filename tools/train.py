"""Train an RTMPose model: `python tools/train.py CONFIG [--work-dir D] [--resume [CKPT]]`.

Also what `mim train rtmpose_plugin CONFIG` runs. CONFIG may be a path or the file
name of one of the package's configs. See rtmpose_plugin/apis/training.py.
"""
from rtmpose_plugin.apis import train

if __name__ == '__main__':
    train()
