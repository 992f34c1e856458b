"""Reading text files safely: every way a file can be unusable gets a message that says what to do.

`-` reads standard input. A web page (a saved `.html` file, text that starts like HTML, or an http(s) URL when
there is a network) is reduced to its article's paragraphs by trafilatura (the `html` extra, imported only for a
page), keeping the page's title, date and site; read as plain text, its `<style>`, `<script>` and menus would
be judged as sentences.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .errors import ToolkitError

MAX_LINE_CHARS = 100_000  # a "line" longer than this is not prose: MT engines and the aligner would choke on it
STDIN = "-"
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_HTML_START = re.compile(r"^\s*(<!doctype\s+html|<html[\s>]|<head[\s>])", re.I)
_HTML_TAGS = re.compile(r"<(p|div|script|style|body|article|span|a)[\s>]", re.I)


def _name(path) -> str:
    return "standard input" if str(path) == STDIN else str(path)


def _read_bytes(path: str | Path, what: str) -> bytes:
    if str(path) == STDIN:
        return sys.stdin.buffer.read()
    path = Path(path)
    if not path.exists():
        raise ToolkitError(f"{what} {path} does not exist: check the path")
    if path.is_dir():
        raise ToolkitError(f"{what} {path} is a folder, not a text file")
    return path.read_bytes()


def _decode(data: bytes, path, what: str) -> str:
    name = _name(path)
    if b"\x00" in data[:65536]:
        raise ToolkitError(f"{what} {name} looks binary (it contains NUL bytes): give a plain UTF-8 text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        stem, suffix = (Path(path).stem, Path(path).suffix) if str(path) != STDIN else ("input", ".txt")
        raise ToolkitError(
            f"{what} {name} is not valid UTF-8 (byte {err.start}): convert it first, "
            f"e.g. iconv -f latin1 -t utf-8 {path} > {stem}.utf8{suffix}"
        ) from None
    if not text.strip():
        raise ToolkitError(f"{what} {name} is empty: there is nothing to compare")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_lines(text: str, path, what: str) -> str:
    for number, line in enumerate(text.split("\n"), 1):
        if len(line) > MAX_LINE_CHARS:
            raise ToolkitError(
                f"{what} {_name(path)} line {number} has {len(line):,} characters (limit {MAX_LINE_CHARS:,}): "
                "split it into paragraphs or sentences first"
            )
    return text


def read_text(path: str | Path, what: str = "file") -> str:
    """Read a UTF-8 text file (`-`: standard input); refuse missing, empty, binary, wrongly encoded files and
    absurdly long lines."""
    return _check_lines(_decode(_read_bytes(path, what), path, what), path, what)


def read_lines(path: str | Path, what: str = "file") -> list[str]:
    """One sentence per line (the align command's input); blank lines at the end are dropped."""
    lines = read_text(path, what).split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def is_url(path: str | Path) -> bool:
    return isinstance(path, str) and path.startswith(("http://", "https://"))


def looks_like_html(text: str, path: str | Path = "") -> bool:
    """A saved web page: by its name, by how it starts, or by its tags (a fragment without <html>)."""
    if str(path) != STDIN and Path(str(path)).suffix.lower() in _HTML_SUFFIXES:
        return True
    head = text[:5000]
    return bool(_HTML_START.match(head)) or len(_HTML_TAGS.findall(head)) >= 3


def _trafilatura(name: str, what: str):
    try:
        import trafilatura
    except ImportError:
        raise ToolkitError(
            f"{what} {name} is a web page: reading it needs `pip install 'toolkit[html]'` "
            "(trafilatura), or save the article's text as a plain file"
        ) from None
    return trafilatura


def read_article(path: str | Path, what: str = "file") -> tuple[str, dict]:
    """(text with one paragraph a line, metadata) of a document: a text file as it is (metadata {}), a web page
    as its article's paragraphs with {"format": "html", "title", "date", "site", "url", "author"} (what the page
    says of them)."""
    if is_url(path):
        trafilatura = _trafilatura(str(path), what)
        page = trafilatura.fetch_url(str(path))
        if not page:
            raise ToolkitError(
                f"{what} {path} could not be fetched (no network, or the site refused): save the "
                "page in a browser and give the file"
            )
        text = page
    else:
        text = _decode(_read_bytes(path, what), path, what)
        if not looks_like_html(text, path):
            return _check_lines(text, path, what), {}
    name = _name(path)
    extracted = _trafilatura(name, what).bare_extraction(
        text, url=str(path) if is_url(path) else None, with_metadata=True, include_comments=False, favor_recall=True
    )
    body = getattr(extracted, "text", None) if extracted is not None else None
    if not body or not body.strip():
        raise ToolkitError(
            f"{what} {name} looks like a web page, but no article text was found in it: save the "
            "article's text as a plain file"
        )
    meta = {"format": "html"}
    for key, attribute in (
        ("title", "title"),
        ("date", "date"),
        ("site", "sitename"),
        ("url", "url"),
        ("author", "author"),
    ):
        value = getattr(extracted, attribute, None)
        if value:
            meta[key] = str(value)
    return _check_lines(body.replace("\r\n", "\n"), path, what), meta
