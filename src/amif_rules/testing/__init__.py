"""placeholder"""
from .strategies import *  # noqa
