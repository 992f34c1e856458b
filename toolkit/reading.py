"""Reading text files safely: every way a file can be unusable gets a message that says what to do."""
from __future__ import annotations

from pathlib import Path

from .errors import ToolkitError

MAX_LINE_CHARS = 100_000  # a "line" longer than this is not prose: MT engines and the aligner would choke on it


def read_text(path: str | Path, what: str = "file") -> str:
    """Read a UTF-8 text file; refuse missing, empty, binary, wrongly encoded files and absurdly long lines."""
    path = Path(path)
    if not path.exists():
        raise ToolkitError(f"{what} {path} does not exist: check the path")
    if path.is_dir():
        raise ToolkitError(f"{what} {path} is a folder, not a text file")
    data = path.read_bytes()
    if b"\x00" in data[:65536]:
        raise ToolkitError(f"{what} {path} looks binary (it contains NUL bytes): give a plain UTF-8 text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ToolkitError(
            f"{what} {path} is not valid UTF-8 (byte {err.start}): convert it first, "
            f"e.g. iconv -f latin1 -t utf-8 {path} > {path.stem}.utf8{path.suffix}"
        ) from None
    if not text.strip():
        raise ToolkitError(f"{what} {path} is empty: there is nothing to compare")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for number, line in enumerate(text.split("\n"), 1):
        if len(line) > MAX_LINE_CHARS:
            raise ToolkitError(
                f"{what} {path} line {number} has {len(line):,} characters (limit {MAX_LINE_CHARS:,}): "
                "split it into paragraphs or sentences first"
            )
    return text


def read_lines(path: str | Path, what: str = "file") -> list[str]:
    """One sentence per line (the align command's input); blank lines at the end are dropped."""
    lines = read_text(path, what).split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return lines
