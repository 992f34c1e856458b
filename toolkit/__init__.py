"""Where did this translation change the meaning? Back-translate with open MT, align, flag per sentence.

The Python API (heavy libraries load only when a function needs them):

    from toolkit import compare_files
    run = compare_files("article.en.txt", lang="en", original_lang="de", engines=["apertium:eng-spa"])
    run.write("runs/article")
"""
__version__ = "0.1.0"

from .errors import ToolkitError  # noqa: E402
from .pipeline import Run, compare, compare_files  # noqa: E402

__all__ = ["Run", "ToolkitError", "compare", "compare_files", "__version__"]
