"""Sanfang (三方联动): the three-party linkage platform for residential property management."""

__version__ = "0.1.0"
