"""Precomputed renderings read from a file (`file:PATH`), so outputs of any MT system can be examined.

Formats: `.tsv` (source<TAB>rendering per line) and `.jsonl` ({"source": ..., "rendering": ...}) are looked up
by the sentence text, so they serve any direction; any other file is one rendering per line, taken in order
(its line count must match the sentences it renders).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..errors import ToolkitError
from ..reading import read_lines
from .base import Engine, SignatureFields


class FileEngine(Engine):
    cacheable = False
    batch_size = 1_000_000  # the whole document at once: plain files are matched by position

    def __init__(self, path: str):
        self.spec = f"file:{path}"
        self.path = Path(path)
        lines = read_lines(self.path, what="rendering file")
        self.digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:12]
        self.table: dict[str, str] | None = None
        self.lines = lines
        if self.path.suffix == ".tsv":
            self.table = {}
            for number, line in enumerate(lines, 1):
                if "\t" not in line:
                    raise ToolkitError(f"{self.path}:{number}: expected source<TAB>rendering")
                source, rendering = line.split("\t", 1)
                self.table[source.strip()] = rendering.strip()
        elif self.path.suffix == ".jsonl":
            self.table = {}
            for number, line in enumerate(lines, 1):
                try:
                    record = json.loads(line)
                    self.table[record["source"].strip()] = record["rendering"].strip()
                except (ValueError, KeyError, TypeError, AttributeError):
                    raise ToolkitError(
                        f'{self.path}:{number}: expected a JSON object with "source" and "rendering"'
                    ) from None

    def signature_fields(self) -> SignatureFields:
        return [("file", self.path.name), ("sha256", self.digest)]

    def supports(self, src: str, tgt: str) -> bool:
        return True

    def serves(self, sentences: list[str], src: str, tgt: str) -> bool:
        """A .tsv / .jsonl serves the sentences it has every one of (so one file may hold the forward renderings,
        the back ones, or both); a plain file the sentences it has as many lines as."""
        if self.table is not None:
            return all(s.strip() in self.table for s in sentences)
        return len(self.lines) == len(sentences)

    def pivot_for(self, lang: str):
        return lang  # a plain file of renderings of the translation is a finished round trip

    def translate(self, sentences: list[str], src: str, tgt: str) -> list[str]:
        if self.table is not None:
            missing = [s for s in sentences if s.strip() not in self.table]
            if missing:
                raise ToolkitError(
                    f"{self.path} has no rendering for {len(missing)} sentence(s), e.g. {missing[0][:80]!r}"
                )
            return [self.table[s.strip()] for s in sentences]
        if len(self.lines) != len(sentences):
            raise ToolkitError(
                f"{self.path} has {len(self.lines)} lines but there are {len(sentences)} sentences to render: "
                "a plain rendering file must be line-aligned with them (or use .tsv / .jsonl keyed by source)"
            )
        return list(self.lines)
