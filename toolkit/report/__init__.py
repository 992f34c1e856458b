"""report.html: the page a reader opens after a run (see html.py), with a word diff and a divergence plot."""

from .html import render_html

__all__ = ["render_html"]
