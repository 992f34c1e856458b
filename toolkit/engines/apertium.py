"""Apertium, rule-based MT that runs offline from Debian packages. `apertium:eng-spa` serves en<->es."""
from __future__ import annotations

import functools
import shutil
import subprocess
from typing import Optional

from .. import languages
from ..errors import ToolkitError
from .base import Engine, SignatureFields


@functools.lru_cache(maxsize=None)
def installed_modes() -> frozenset[str]:
    if not shutil.which("apertium"):
        raise ToolkitError(
            "apertium is not installed: run `make deps` as root, or `apt-get install apertium apertium-eng-spa "
            "apertium-eng-cat`"
        )
    listed = subprocess.run(["apertium", "-l"], capture_output=True, text=True, check=False).stdout
    return frozenset(line.strip() for line in listed.splitlines() if line.strip())


@functools.lru_cache(maxsize=None)
def _package_version(package: str) -> str:
    try:
        done = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package], capture_output=True, text=True)
        return done.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


class ApertiumEngine(Engine):
    batch_size = 200

    def __init__(self, pair: str):
        self.spec = f"apertium:{pair}"
        parts = pair.split("-")
        if len(parts) != 2:
            raise ToolkitError(f"engine {self.spec}: an Apertium pair looks like eng-spa (two ISO 639-3 codes)")
        self.langs = tuple(languages.check(p) for p in parts)
        modes = installed_modes()
        for mode in (pair, f"{parts[1]}-{parts[0]}"):
            if mode not in modes:
                raise ToolkitError(
                    f"Apertium mode {mode} is not installed: apt-get install apertium-{pair} "
                    f"(installed modes: {', '.join(sorted(modes)) or 'none'})"
                )
        self.pair = pair

    def signature_fields(self) -> SignatureFields:
        # sep:para names how sentences are fed (one paragraph each): renderings made otherwise are not reused
        return [("apertium", self.pair), ("v", _package_version("apertium-" + self.pair)), ("sep", "para")]

    def supports(self, src: str, tgt: str) -> bool:
        return {src, tgt} == set(self.langs)

    def pivot_for(self, lang: str) -> Optional[str]:
        if lang not in self.langs:
            return None
        return self.langs[1] if lang == self.langs[0] else self.langs[0]

    def translate(self, sentences: list[str], src: str, tgt: str) -> list[str]:
        if not self.supports(src, tgt):
            raise ToolkitError(f"engine {self.spec} translates between {' and '.join(self.langs)}, not {src}->{tgt}")
        if not sentences:
            return []
        mode = f"{languages.iso3(src)}-{languages.iso3(tgt)}"
        texts = [" ".join(s.split()) for s in sentences]
        todo = [t for t in texts if t]
        # A blank line between sentences is a paragraph break to Apertium: with a single newline, a line
        # without a final stop runs into the next one and transfer rules move words across the line break.
        done = subprocess.run(["apertium", "-u", mode], input="\n\n".join(todo) + "\n",
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise ToolkitError(f"apertium {mode} failed: {done.stderr.strip()[:300]}")
        lines = [line.strip() for line in done.stdout.strip("\n").split("\n\n")] if todo else []
        if len(lines) != len(todo):
            raise ToolkitError(f"apertium {mode} returned {len(lines)} paragraphs for {len(todo)} sentences")
        outputs = iter(lines)
        return [next(outputs) if t else "" for t in texts]
