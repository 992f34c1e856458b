"""A small reader of the WordNet 3.0 database files (Debian package `wordnet`: /usr/share/wordnet) for the
synthetic shifts: synonyms, antonyms and hypernyms of a word in its most frequent sense.

The files are the plain `index.POS` / `data.POS` of the WordNet distribution (format in wndb(5)): the index
lists each lemma's synsets, most frequent sense first; a synset is read by seeking its byte offset in data.POS.
Without part-of-speech tagging, a word is taken in the part of speech whose first sense is most used
(`tagsense_cnt`), which keeps "can" a verb and "bank" a noun.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Optional

DEFAULT = Path("/usr/share/wordnet")
POS = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
_ENV = "TOOLKIT_WORDNET"


class WordNetMissing(FileNotFoundError):
    pass


class WordNet:
    def __init__(self, folder: Optional[str | Path] = None):
        self.folder = Path(folder or os.environ.get(_ENV) or DEFAULT)
        if not (self.folder / "index.noun").exists():
            raise WordNetMissing(f"no WordNet in {self.folder}: install the Debian package wordnet "
                                 f"(make train does, as root) or set {_ENV}")
        self.index: dict[str, dict[str, tuple[int, list[int]]]] = {p: {} for p in POS}
        for pos, name in POS.items():
            with open(self.folder / f"index.{name}", encoding="utf-8") as handle:
                for line in handle:
                    if line.startswith(" "):
                        continue  # licence header
                    fields = line.split()
                    lemma, n_synsets, n_pointers = fields[0], int(fields[2]), int(fields[3])
                    rest = fields[4 + n_pointers:]
                    tagged = int(rest[1])
                    offsets = [int(x) for x in rest[2:2 + n_synsets]]
                    self.index[pos][lemma] = (tagged, offsets)
        self._handles = {pos: open(self.folder / f"data.{name}", "rb") for pos, name in POS.items()}
        # irregular verb forms -> base ("went" -> "go"), from the morphology exception list verb.exc
        self.verb_exceptions: dict[str, str] = {}
        exceptions = self.folder / "verb.exc"
        if exceptions.exists():
            with open(exceptions, encoding="utf-8") as handle:
                for line in handle:
                    fields = line.split()
                    if len(fields) >= 2 and "_" not in fields[0]:
                        self.verb_exceptions.setdefault(fields[0], fields[1])

    def pos_of(self, word: str) -> Optional[str]:
        """The part of speech whose first sense of `word` is most used, or None if WordNet lacks it."""
        found = [(entry[0], pos) for pos in ("n", "v", "a", "r") if (entry := self.index[pos].get(word.lower()))]
        return max(found)[1] if found else None

    @lru_cache(maxsize=65536)
    def synset(self, pos: str, offset: int) -> tuple[tuple[str, ...], tuple[tuple[str, str, str, int, int], ...]]:
        """(lemmas, pointers) of one synset; a pointer is (symbol, target pos, offset... as below)."""
        handle = self._handles[pos]
        handle.seek(offset)
        fields = handle.readline().decode("utf-8").split(" | ")[0].split()
        n_words = int(fields[3], 16)
        lemmas = tuple(fields[4 + 2 * i].lower() for i in range(n_words))
        at = 4 + 2 * n_words
        n_pointers = int(fields[at])
        pointers = []
        for i in range(n_pointers):
            symbol, target, target_pos, source_target = fields[at + 1 + 4 * i: at + 5 + 4 * i]
            target_pos = "a" if target_pos == "s" else target_pos
            pointers.append((symbol, target_pos, target, int(source_target[:2], 16), int(source_target[2:], 16)))
        return lemmas, tuple(pointers)

    def _first(self, word: str, pos: Optional[str]) -> Optional[tuple[str, int]]:
        pos = pos or self.pos_of(word)
        entry = self.index.get(pos or "", {}).get(word.lower()) if pos else None
        return (pos, entry[1][0]) if entry else None

    def synonyms(self, word: str, pos: Optional[str] = None) -> list[str]:
        """Other lemmas of the word's most frequent sense (multi-word lemmas with spaces)."""
        first = self._first(word, pos)
        if not first:
            return []
        lemmas, _ = self.synset(*first)
        return [l.replace("_", " ") for l in lemmas if l != word.lower() and "(" not in l]

    def antonyms(self, word: str, pos: Optional[str] = None) -> list[str]:
        """Direct antonyms of the word in its first two senses (WordNet's lexical "!" pointers)."""
        pos = pos or self.pos_of(word)
        entry = self.index.get(pos or "", {}).get(word.lower()) if pos else None
        out: list[str] = []
        for offset in (entry[1][:2] if entry else []):
            lemmas, pointers = self.synset(pos, offset)
            for symbol, target_pos, target, source, target_word in pointers:
                if symbol != "!" or source == 0 or source > len(lemmas) or lemmas[source - 1] != word.lower():
                    continue
                other, _ = self.synset(target_pos, int(target))
                if 0 < target_word <= len(other):
                    antonym = other[target_word - 1].replace("_", " ")
                    if "(" not in antonym and antonym not in out:
                        out.append(antonym)
        return out

    def is_lemma(self, word: str, pos: str) -> bool:
        return word.lower() in self.index[pos]

    def opposites(self, word: str, pos: Optional[str] = None) -> list[str]:
        """Direct antonyms, or else, for an adjective in a satellite synset ("huge", similar to "large"), the
        antonyms of its head adjective ("small")."""
        direct = self.antonyms(word, pos)
        pos = pos or self.pos_of(word)
        if direct or pos != "a":
            return direct
        entry = self.index["a"].get(word.lower())
        out: list[str] = []
        for offset in (entry[1][:1] if entry else []):
            _, pointers = self.synset("a", offset)
            for symbol, target_pos, target, _, _ in pointers:
                if symbol != "&":
                    continue
                heads, head_pointers = self.synset(target_pos, int(target))
                for h_symbol, h_pos, h_target, source, target_word in head_pointers:
                    if h_symbol == "!":
                        other, _ = self.synset(h_pos, int(h_target))
                        if 0 < target_word <= len(other):
                            antonym = other[target_word - 1].replace("_", " ")
                            if "(" not in antonym and antonym not in out and antonym != word.lower():
                                out.append(antonym)
        return out

    def hypernyms(self, word: str) -> list[str]:
        """First lemmas of the hypernyms of the noun's most frequent sense ("tank" -> "military vehicle")."""
        first = self._first(word, "n")
        if not first:
            return []
        _, pointers = self.synset(*first)
        out = []
        for symbol, target_pos, target, _, _ in pointers:
            if symbol in ("@", "@i"):
                lemmas, _ = self.synset(target_pos, int(target))
                out.append(lemmas[0].replace("_", " "))
        return out


@lru_cache(maxsize=2)
def shared(folder: Optional[str] = None) -> WordNet:
    return WordNet(folder)
