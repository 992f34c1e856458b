"""Where did this translation change the meaning? Back-translate with open MT, align, flag per sentence.

The Python API (heavy libraries load only when a function needs them):

    from toolkit import compare_files, write_run
    run = compare_files("article.en.txt", lang="en", engines=["apertium:eng-spa"])
    write_run(run, "runs/article")  # beads.jsonl, summary.json, report.html
"""

__version__ = "0.1.0"

from .errors import ToolkitError  # noqa: E402

_LAZY = {"Run": "records", "compare": "pipeline", "compare_files": "pipeline", "write_run": "output"}


def __getattr__(name):
    # The pipeline pulls in numpy and the signals; `toolkit --help` must not pay for them.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")


__all__ = ["Run", "ToolkitError", "compare", "compare_files", "write_run", "__version__"]
