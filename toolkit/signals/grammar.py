"""Broken grammar: words an English parser cannot link, compared with the renderings.

A dropped subject, verb or noun often leaves a sentence that no longer parses ("The said on Tuesday that ..."),
while a rendering of the same original does. The Link Grammar parser (CMU; Debian's `link-grammar` and
`link-grammar-dictionaries-en`, installed by `make checkers`) finds the parse that leaves the fewest words
unlinked; `grammar_unlinked` is how many more words the translation leaves unlinked than the renderings do
(their median), 0 if not more. Only for English translations with the parser installed; otherwise absent.

The parser runs as one `link-parser` process per batch of sentences (its Python binding is built for Debian's
own Python only), WORKERS of them at once: parsing is the costliest signal (about 0.1 s of CPU a news sentence;
the process's start, 0.8 s a batch of CHUNK sentences, is a few per cent of that, so a process kept alive
between batches would save little). Its per-sentence time limit is generous (TIMEOUT seconds) because a sentence
cut short by the clock would get a different count on a busier machine; sentences over MAX_WORDS words or
MAX_CHARS characters are not parsed at all.

A translation the parser links fully cannot leave more words unlinked than its renderings, so its renderings
are parsed only for the translations that leave a word unlinked (about a third of news sentences): the signal
is the same, for about half the parsing. `prepare` starts the parsing on a thread and returns; it is a
background family (base.Family), started after the model calls on every core (embeddings, the learnt model),
so the parser processes run while the others prepare and measure in Python on one core, and `measure` waits
for them.
"""
from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, NamedTuple, Optional

from ..records import Reason
from .text import Token, fold, tokens
from .base import BeadTexts, Family, Measured, Resources, Signal
from ..resources import Unavailable, status

LANGUAGES = {"en"}
MAX_WORDS = 60
MAX_CHARS = 1000
TIMEOUT = 30
CHUNK = 200
WORKERS = min(2, os.cpu_count() or 1)  # parser processes at once
_COST = re.compile(r"cost vector = \(UNUSED=(\d+)")
_NULL = re.compile(r"\{([^{}\s]+)\}")  # an unlinked word in the constituent line: {the}, {said.v-d}
_TAG = re.compile(r"(?:\[[^\]]*\])?(?:\.[a-z0-9-]+)?$")  # the parser's marks after a word: [?], .v-d
_ENV = "TOOLKIT_LINK_PARSER"




class Parse(NamedTuple):
    unlinked: int
    words: tuple[str, ...]  # the unlinked words, as the parser spells them (without its .v / .n tags)


def _parsable(text: str) -> Optional[str]:
    """The sentence as one input line, or None when it is not parsed (no letters, too many words or characters)."""
    # a line starting with "!" is a parser command; braces would read as the parser's own null-word marks
    line = " ".join(text.split()).lstrip("!").replace("{", "(").replace("}", ")")
    if not any(c.isalpha() for c in line) or len(line.split()) > MAX_WORDS or len(line) > MAX_CHARS:
        return None
    return line


class Parser:
    def __init__(self, command: Optional[str] = None):
        found = command or os.environ.get(_ENV) or shutil.which("link-parser")
        if not found or not shutil.which(found):
            raise Unavailable("no English parser: `make checkers` installs Debian's link-grammar "
                              f"(or set {_ENV} to a link-parser program)")
        self.command = found
        self.name = "link-grammar"
        self._parsed: dict[str, Optional[Parse]] = {}
        self._pending: list[threading.Thread] = []
        self._failed: list[BaseException] = []

    def in_background(self, work: Callable[[], None]) -> None:
        """Run work (calls of add) on a thread; parse() waits for it. A daemon thread: Ctrl-C (which the parser
        processes get too) must not wait for it."""
        def guarded() -> None:
            try:
                work()
            except BaseException as error:  # noqa: BLE001 - raised again in the caller's thread, by wait()
                self._failed.append(error)

        thread = threading.Thread(target=guarded, name="link-parser", daemon=True)
        self._pending.append(thread)
        thread.start()

    def wait(self) -> None:
        while self._pending:
            self._pending.pop(0).join()
        if self._failed:
            raise self._failed.pop(0)

    def _run(self, lines: list[str]) -> Optional[list[Parse]]:
        """The parses of these lines, or None when the parser failed (its sentences are then not measured:
        a broken parser must not lose the run)."""
        args = [self.command, "en", "-graphics=0", "-verbosity=1", "-constituents=3", f"-timeout={TIMEOUT}"]
        env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        try:
            done = subprocess.run(args, input="\n".join(lines) + "\n", capture_output=True, text=True, env=env,
                                  timeout=TIMEOUT * len(lines) + 60)
        except (OSError, subprocess.TimeoutExpired):
            return None
        parses: list[Parse] = []
        for line in done.stdout.splitlines():
            cost = _COST.search(line)
            if cost:
                parses.append(Parse(int(cost.group(1)), ()))
            elif line.startswith("(") and parses and not parses[-1].words:  # the constituents of that parse
                words = tuple(w for w in (_TAG.sub("", w) for w in _NULL.findall(line))
                              if any(c.isalpha() for c in w))
                parses[-1] = parses[-1]._replace(words=words)
        return parses

    def add(self, texts: Iterable[str]) -> None:
        """Parse these texts now, in batches, so that unlinked() finds them ready."""
        todo: dict[str, list[str]] = {}
        for text in texts:
            line = _parsable(text)
            if line is None:
                self._parsed[text] = None
            elif text not in self._parsed:
                todo.setdefault(line, []).append(text)
        lines = list(todo)
        if not lines:
            return
        size = min(CHUNK, -(-len(lines) // WORKERS))  # every worker gets a share of a small batch too
        chunks = [lines[at:at + size] for at in range(0, len(lines), size)]
        with ThreadPoolExecutor(WORKERS) as pool:  # threads wait on the parser processes, which do the work
            for chunk, parses in zip(chunks, pool.map(self._parse_chunk, chunks)):
                for line, parse in zip(chunk, parses):
                    for text in todo[line]:
                        self._parsed[text] = parse

    def _parse_chunk(self, chunk: list[str]) -> list[Optional[Parse]]:
        parses: list[Optional[Parse]] = self._run(chunk) or [None] * len(chunk)
        if len(parses) != len(chunk):  # the output lost step with the input: parse one at a time
            parses = [next(iter(self._run([line]) or []), None) for line in chunk]
        return parses

    def parse(self, text: str) -> Optional[Parse]:
        self.wait()
        if text not in self._parsed:
            self.add([text])
        return self._parsed.get(text)

    def unlinked(self, text: str) -> Optional[int]:
        parse = self.parse(text)
        return None if parse is None else parse.unlinked


_DEFAULT: list[Parser] = []


def default() -> Parser:
    if not _DEFAULT:
        _DEFAULT.append(Parser())
    return _DEFAULT[0]


def available() -> tuple[bool, str]:
    return status(default)


def grammar_signals(parser: Optional[Parser], translation: str, renderings: dict[str, str],
                    lang: Optional[str]) -> tuple[dict[str, float], list[Reason]]:
    if parser is None or lang not in LANGUAGES or not renderings:
        return {}, []
    ours = parser.parse(translation)
    if ours is None:
        return {}, []
    if ours.unlinked == 0:  # nothing beyond any median: the renderings need no parse, but one must be parsable
        return ({"grammar_unlinked": 0.0}, []) if any(_parsable(r) for r in renderings.values()) else ({}, [])
    theirs = [n for n in (parser.unlinked(r) for r in renderings.values()) if n is not None]
    if not theirs:
        return {}, []
    gap = max(ours.unlinked - statistics.median(theirs), 0.0)
    if not gap:
        return {"grammar_unlinked": 0.0}, []
    technical = (f"grammar: the parser links no other word to it ({ours.unlinked} such words here, "
                 f"{statistics.median(theirs):g} in the renderings, median)")
    return {"grammar_unlinked": float(gap)}, [
        Reason("grammar", f"\"{t.text}\" does not fit into the sentence's grammar; the machine translations read "
                          "well", (t.start, t.end), technical) for t in _located(translation, ours.words)]


def _located(text: str, words: tuple[str, ...]) -> list[Token]:
    """The unlinked words' tokens in the text, matched in order (punctuation the parser left out has none)."""
    found, toks, at = [], tokens(text), 0
    for word in (fold(w) for w in words):
        for k in range(at, len(toks)):
            if toks[k].key == word:
                found.append(toks[k])
                at = k + 1
                break
    return found


def prepare(beads, resources: Resources) -> None:
    """Parse the translations, then the renderings of those that leave a word unlinked (see the docstring)."""
    wanted = [b for b in beads if b.lang in LANGUAGES and b.renderings]
    parser = resources.get("parser", default) if wanted else None
    if parser is None:
        return
    translations = [b.translation for b in wanted]

    def work() -> None:
        parser.add(translations)
        loose = [b for b in wanted if (parser._parsed.get(b.translation) or Parse(0, ())).unlinked]
        parser.add([r for b in loose for r in b.renderings.values()])

    parser.in_background(work)


def measure(bead: BeadTexts, resources: Resources) -> Measured:
    parser = resources.get("parser", default) if bead.lang in LANGUAGES else None
    values, reasons = grammar_signals(parser, bead.translation, bead.renderings, bead.lang)
    return Measured(values, reasons)


FAMILY = Family("grammar", (
    Signal("grammar_unlinked", "words the parser links to nothing, beyond the renderings' median",
           "the sentence is broken: words hang loose where the machine translations read well", neutral=0.0, cap=3.0,
           evidence="grammar"),
), measure, prepare, module="grammar.py", when="English, parser installed", background=True)
