"""The engine interface: something that translates a batch of sentences from one language to another."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Optional


class Engine(ABC):
    """An engine translates lists of sentences; caching, batching for progress and round trips live in render.

    Subclasses set `spec` (what the user typed) and implement `signature`, `supports` and `translate`.
    """

    spec: str
    cacheable: bool = True  # precomputed renderings (file:) are cheaper to read than to cache
    batch_size: int = 64  # sentences handed to translate() at once; the cache commits after each batch

    @property
    @abstractmethod
    def signature(self) -> str:
        """Exactly what produces the output: engine kind, model id and version, decoding settings."""

    @abstractmethod
    def supports(self, src: str, tgt: str) -> bool:
        """Whether this engine can translate src -> tgt (ISO 639-1 codes)."""

    @abstractmethod
    def translate(self, sentences: list[str], src: str, tgt: str) -> list[str]:
        """Translate a batch; the output has one line per input sentence, in order."""

    def pivot_for(self, lang: str) -> Optional[str]:
        """The language a round trip of `lang` goes through with this engine, or None if it cannot."""
        return None

    def close(self) -> None:
        """Release processes or models held by the engine."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.spec!r})"
