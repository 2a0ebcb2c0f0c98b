_base_ = ['../../../_base_/data/hand5.py']
import rtmpose_plugin.recipe as recipe  # noqa: E402

# the UDP backbone at the address mmpose's Hand5 config names (projects/rtmpose/)
model = recipe.size('m', pretrained='udp-v0')
