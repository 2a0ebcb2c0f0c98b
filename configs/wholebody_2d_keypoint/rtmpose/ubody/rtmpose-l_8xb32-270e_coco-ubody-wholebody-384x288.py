_base_ = ['../../../_base_/data/coco-ubody-wholebody-384x288.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

# the UDP backbone at the address mmpose's UBody configs name (projects/rtmpose/)
model = recipe.size('l', pretrained='udp-v0')
