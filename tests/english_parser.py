"""A mark for the tests that need spaCy's English model (the damage checks' parse)."""
import pytest

from toolkit import english
from toolkit.resources import Unavailable

try:
    english.load()
    PARSER = True
except Unavailable:
    PARSER = False
needs_parser = pytest.mark.skipif(not PARSER, reason="spaCy's English model is not installed")
