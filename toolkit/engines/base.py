"""The engine interface: something that translates a batch of sentences from one language to another."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Optional

from ..signature import Signature

SignatureFields = list[tuple[str, str]]


class Engine(ABC):
    """An engine translates lists of sentences; caching, batching for progress and round trips live in render.

    Subclasses set `spec` (what the user typed) and implement `signature_fields`, `supports` and `translate`.
    """

    spec: str
    cacheable: bool = True  # precomputed renderings (file:) are cheaper to read than to cache
    batch_size: int = 64  # sentences handed to translate() at once; the cache commits after each batch

    @abstractmethod
    def signature_fields(self) -> SignatureFields:
        """Exactly what produces the output, as ordered (name, value) pairs: first the engine's kind and what it
        runs (`("apertium", "eng-spa")`), then versions and decoding settings (`("beam", "4")`)."""

    @property
    def signature(self) -> str:
        """The fields printed as a Signature, `kind:what|name:value|...`: the one form of every engine's
        signature. It keys the rendering cache: a change to any field (or to this form) renders everything again."""
        return str(Signature(tuple(self.signature_fields())))

    @abstractmethod
    def supports(self, src: str, tgt: str) -> bool:
        """Whether this engine can translate src -> tgt (ISO 639-1 codes)."""

    def serves(self, sentences: list[str], src: str, tgt: str) -> bool:
        """Whether this engine can render these sentences src -> tgt; asked before any rendering. Engines that
        translate anything in a direction need not look at the sentences; precomputed ones (file:) do."""
        return self.supports(src, tgt)

    @abstractmethod
    def translate(self, sentences: list[str], src: str, tgt: str) -> list[str]:
        """Translate a batch; the output has one line per input sentence, in order."""

    def pivot_for(self, lang: str) -> Optional[str]:
        """The language a round trip of `lang` goes through with this engine, or None if it cannot."""
        return None

    def close(self) -> None:  # noqa: B027 - most engines hold nothing to release
        """Release processes or models held by the engine."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.spec!r})"
