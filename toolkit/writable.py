"""Checks that an output place can be written, made before any work so a run never ends in a failed write.

Each check walks up to the nearest folder that exists and writes (then removes) a probe file there: that is
the one test that catches every reason at once (read-only file system, permissions, a file where a folder
should be), where `os.access` misses some of them (it says yes to root on a read-only bind mount, for one).
Nothing is created but the probe; the folders themselves are made when the output is written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import ToolkitError


def _nearest_existing(path: Path) -> Path:
    here = path
    while not here.exists() and here != here.parent:
        here = here.parent
    return here


def _probe(folder: Path, what: str, path: Path) -> None:
    """Write and remove a small file in `folder`, or raise a ToolkitError naming why it cannot be written."""
    if not folder.is_dir():
        raise ToolkitError(f"{what} {path}: {folder} is a file, so no folder can be made there; pick another path")
    try:
        handle, probe = tempfile.mkstemp(prefix=".toolkit-probe-", dir=folder)
    except OSError as err:
        raise ToolkitError(
            f"{what} {path} cannot be written ({err.strerror} in {folder}): pick a writable place"
        ) from None
    os.close(handle)
    os.unlink(probe)


def check_folder(path: str | Path, what: str = "output folder") -> Path:
    """An output folder: an existing folder we may write in, or a new one whose nearest existing parent we may."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ToolkitError(
            f"{what} {path} is a file, not a folder: give a new folder name (the run writes "
            f"beads.jsonl, summary.json and report.html into it) or remove the file"
        )
    _probe(_nearest_existing(path), what, path)
    return path


def check_file(path: str | Path, what: str = "output file") -> Path:
    """An output file: not a folder, and its folder (or the nearest one that exists) writable."""
    path = Path(path)
    if path.is_dir():
        raise ToolkitError(f"{what} {path} is a folder: give a file name, e.g. {path / 'out.jsonl'}")
    if path.exists() and not os.access(path, os.W_OK):
        raise ToolkitError(f"{what} {path} exists and is read-only: pick another file name")
    _probe(_nearest_existing(path.parent), what, path)
    return path
