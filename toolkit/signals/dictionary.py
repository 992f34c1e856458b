"""A German-English word dictionary, for checks that compare the translation with the original itself.

No German MT model runs offline here, but Debian's `trans-de-en` package (the Ding dictionary of TU Chemnitz,
about 200,000 entries, GPL) does: `make checkers` installs it to /usr/share/trans/de-en. The environment variable
TOOLKIT_DICTIONARY names another file in the same format; with neither, `available()` says why and the signals
that need it are absent (the fusion reads them as "no evidence").

Ding lines look like `Abholstelle {f} | Abholstellen {pl} :: pick-up point; pickup point | pick-up points`: sides
split by ` :: `, parallel sub-entries by ` | `, synonyms by `;`, and annotations in {} [] () <> and /Abk./. Only
one-word German synonyms are kept (a phrase's words do not translate one by one); each maps to the content words
of all English synonyms of its sub-entry (to its function words where it has nothing else: Mai -> May).

Words are compared as STEM-character prefixes of their folded form (collect / collected / collection): a lenient
match, because these checks ask whether a translation of a word is there at all. German words the dictionary
lacks are looked up without an inflection ending, then as compounds by their longest known tail (the head:
Großmarktinhaber -> Inhaber) together with what precedes it. Every word also "translates" to itself, so names
and numbers spelled the same in both languages count.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from pathlib import Path
from typing import Iterable, Mapping, Optional

from ..paths import cache_root
from ..resources import Unavailable
from .text import STOPWORDS, fold

DEFAULT_PATH = Path("/usr/share/trans/de-en")
_ENV = "TOOLKIT_DICTIONARY"
LANGUAGES = ("de", "en")  # original, translation
STEM = 5
_ANNOTATION = re.compile(r"\{[^}]*\}|\[[^\]]*\]|\([^)]*\)|<[^>]*>|(?:^|\s)/[^/\s]+/")  # /Mo/: an abbreviation
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
# placeholders and pronouns of Ding's verb entries ("etw. abholen", "ich/er/sie sagte")
_GERMAN_FILLERS = {fold(w) for w in "etw jdm jdn jds jd sich ich du er sie es wir ihr man".split()}
_PLACEHOLDERS = {"to", "sb", "sth", "sb's", "one's", "oneself"}
_ENGLISH_FILLERS = STOPWORDS["en"] | _PLACEHOLDERS
_GERMAN_ENDINGS = sorted(
    ("e", "en", "er", "es", "em", "n", "s", "st", "t", "et", "te", "ten", "ern", "ens"), key=len, reverse=True
)
MIN_HEAD = 4  # a compound's head shorter than this matches too much by chance ("ei", "tor")
MAX_COMPOUND = 40  # longer "words" (a URL, a run of letters) are not split: each cut is a lookup


def stem(key: str) -> str:
    return key[:STEM]


def _words(text: str) -> list[str]:
    return [fold(m.group(0)) for m in _WORD.finditer(_ANNOTATION.sub(" ", text))]


def _english_stems(side: str) -> set[str]:
    """The content words' stems; the function words' where there is nothing else (Mai: May, mehr: more)."""
    words = [p for word in _words(side.replace(";", " ")) for p in word.split("-") if len(p) > 1]
    content = {stem(w) for w in words if w not in _ENGLISH_FILLERS}
    return content or {stem(w) for w in words if w not in _PLACEHOLDERS}


def parse(lines) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """({folded one-word German synonym: English stems}, the folded one-word English synonyms) from lines in
    Ding's format."""
    found: dict[str, set[str]] = {}
    english: set[str] = set()
    for line in lines:
        if line.startswith("#") or " :: " not in line:
            continue
        german, english_side = line.rstrip("\n").split(" :: ", 1)
        # one-word synonyms only: the English side also holds German example sentences left untranslated
        for synonym in english_side.replace(" | ", ";").split(";"):
            words = _words(synonym)
            if len(words) == 1:
                english.add(words[0])
        for de_part, en_part in zip(german.split(" | "), english_side.split(" | ")):
            stems = _english_stems(en_part)
            if not stems:
                continue
            for synonym in de_part.split(";"):
                words = [w for w in _words(synonym) if w not in _GERMAN_FILLERS]
                if len(words) == 1:
                    found.setdefault(words[0], set()).update(stems)
    return {word: frozenset(stems) for word, stems in found.items()}, frozenset(english)


def _cache_file(where: Path) -> Path:
    stat = where.stat()
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    key = hashlib.sha256(f"{where.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{code}".encode()).hexdigest()[:20]
    return cache_root() / "dictionary" / f"{key}.tsv"


def _compact(entries: Iterable[tuple[str, Iterable[str]]]) -> dict[str, tuple[str, ...]]:
    """The entries with one string object per distinct stem and one tuple per distinct set of stems: 296,000
    entries share 34,000 stems and 185,000 sets, so this is a quarter of the memory of a frozenset each, and
    every worker of a batch job holds a copy."""
    stems: dict[str, str] = {}
    sets: dict[tuple[str, ...], tuple[str, ...]] = {}
    out = {}
    for word, found in entries:
        key = tuple(sorted(stems.setdefault(x, x) for x in found))
        out[word] = sets.setdefault(key, key)
    return out


def _read_cache(cache: Path) -> Optional[tuple[dict[str, tuple[str, ...]], frozenset[str]]]:
    """The cache's entries, compacted line by line as read (a JSON document of them, or a list of the lines,
    left ~100 MB of garbage in the process); None when it is absent or damaged. Line 1: the English words;
    then `word<TAB>stem stem ...`; last: `#end <entries>`, so a cut file is never taken for a whole one."""
    end: list[str] = []

    def lines(handle):
        for line in handle:
            if line.startswith("#end "):
                end.append(line.split(" ", 1)[1].strip())
                return
            word, tab, stems = line.rstrip("\n").partition("\t")
            if not tab or not stems:
                raise ValueError(f"damaged line in {cache}")
            yield word, stems.split(" ")

    try:
        with open(cache, encoding="utf-8") as handle:
            english = frozenset(w for w in handle.readline().rstrip("\n").split("\t") if w)
            entries = _compact(lines(handle))
    except (OSError, ValueError):  # UnicodeDecodeError is a ValueError
        return None
    return (entries, english) if end == [str(len(entries))] else None


def _parsed(where: Path) -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """parse() of the file, kept as text beside the other caches: parsing takes ~7 s, reading the cache 1-1.5 s."""
    cache = _cache_file(where)
    stored = _read_cache(cache)
    if stored is not None:
        return stored
    with open(where, encoding="utf-8") as handle:
        entries, english = parse(handle)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")  # batch workers that start together each write their own
        with open(tmp, "w", encoding="utf-8") as out:
            out.write("\t".join(sorted(english)) + "\n")
            for word, stems in entries.items():
                out.write(f"{word}\t{' '.join(sorted(stems))}\n")
            out.write(f"#end {len(entries)}\n")
        tmp.replace(cache)
    except OSError:
        pass  # a read-only home only costs the next run the parse
    return _compact(entries.items()), english


class Dictionary:
    def __init__(
        self, entries: Mapping[str, tuple[str, ...]], english: frozenset[str] = frozenset(), name: str = "dictionary"
    ):
        """entries: as _compact() makes them (load() does)."""
        if not entries:
            raise Unavailable(f"{name} has no German-English entries (expected Ding's `German :: English` lines)")
        self.entries = entries
        self.english = english  # the English side's one-word synonyms: "film" is English too, "Saison" is not
        self.name = name

    @classmethod
    def load(cls, path: Optional[str | Path] = None) -> "Dictionary":
        where = _where(path)
        try:
            return cls(*_parsed(where), name=where.name)
        except FileNotFoundError:
            raise Unavailable(
                f"no German-English dictionary at {where}: `make checkers` installs Debian's "
                f"trans-de-en (or set {_ENV})"
            ) from None
        except UnicodeDecodeError:
            raise Unavailable(f"{where} is not UTF-8 text: not a Ding dictionary") from None

    def entry(self, key: str) -> Optional[frozenset[str]]:
        """The English stems of a folded German word the dictionary has, as written or without an ending."""
        if key in self.entries:
            return frozenset(self.entries[key])
        for ending in _GERMAN_ENDINGS:
            if key.endswith(ending) and len(key) - len(ending) >= 3 and key[: -len(ending)] in self.entries:
                return frozenset(self.entries[key[: -len(ending)]])
        return None

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one Dictionary per process, kept for its life
    def translations(self, key: str) -> frozenset[str]:
        """English stems of a folded German word (its own stem included)."""
        own = frozenset({stem(key)})
        found = self.entry(key)
        if found is not None:
            return own | found
        if len(key) > MAX_COMPOUND:
            return own
        for cut in range(1, len(key) - MIN_HEAD + 1):  # the longest known tail first
            head = self.entry(key[cut:])
            if head is not None:
                return own | head | (self.entry(key[:cut].rstrip("s")) or frozenset())
        return own


@functools.lru_cache(maxsize=1)
def default() -> Dictionary:
    return Dictionary.load()


def _where(path: Optional[str | Path] = None) -> Path:
    return Path(path or os.environ.get(_ENV) or DEFAULT_PATH)


def available() -> tuple[bool, str]:
    """Whether the dictionary is installed, for signatures and cache keys. It does not load it (a run without
    a German original never needs it) unless it was loaded already, and then says what loading found."""
    if default.cache_info().currsize:  # lru_cache keeps only a load that succeeded
        return True, default().name
    where = _where()
    if where.is_file():
        return True, where.name
    return False, f"no German-English dictionary at {where}"
