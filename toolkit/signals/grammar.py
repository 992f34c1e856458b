"""Broken grammar: words an English parser cannot link, compared with the renderings.

A dropped subject, verb or noun often leaves a sentence that no longer parses ("The said on Tuesday that ..."),
while a rendering of the same original does. The Link Grammar parser (CMU; Debian's `link-grammar` and
`link-grammar-dictionaries-en`, installed by `make checkers`) finds the parse that leaves the fewest words
unlinked; `grammar_unlinked` is how many more words the translation leaves unlinked than the renderings do
(their median), 0 if not more. Only for English translations with the parser installed; otherwise absent.

The parser runs as `link-parser` processes (its Python binding is built for Debian's own Python only), by
default up to WORKERS of them at once but no more than the threads the process is allowed (workers()), each
kept alive for the Parser's life: loading its dictionary takes 0.8 s of CPU, and a batch job judges a few
dozen pairs a call, so a process a call spent more on starting than on parsing. Each sentence
is followed by a command that changes nothing (SENTINEL), whose echo marks where the sentence's output ends, so
a sentence the parser says nothing about gets no count and never shifts its neighbours'. Parsing is the
costliest signal (about 0.1 s of CPU a news sentence). Its per-sentence time limit is generous (TIMEOUT seconds)
because a sentence cut short by the clock would get a different count on a busier machine; sentences over
MAX_WORDS words or MAX_CHARS characters are not parsed at all.

A translation the parser links fully cannot leave more words unlinked than its renderings, so its renderings
are parsed only for the translations that leave a word unlinked (about a third of news sentences): the signal
is the same, for about half the parsing. `prepare` starts the parsing on a thread and returns; it is a
background family (base.Family), started after the model calls on every core (embeddings, the learnt model),
so the parser processes run while the others prepare and measure in Python on one core, and `measure` waits
for them.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import statistics
import subprocess
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Callable, Iterable, NamedTuple, Optional

from ..records import Reason
from ..resources import Unavailable, status
from .base import BeadTexts, Family, Measured, Resources, Signal
from .text import Token, fold, tokens

LANGUAGES = {"en"}
MAX_WORDS = 60
MAX_CHARS = 1000
TIMEOUT = 30
CHUNK = 200
WORKERS = 2  # parser processes at once, at most
_COST = re.compile(r"cost vector = \(UNUSED=(\d+)")
_NULL = re.compile(r"\{([^{}\s]+)\}")  # an unlinked word in the constituent line: {the}, {said.v-d}
_TAG = re.compile(r"(?:\[[^\]]*\])?(?:\.[a-z0-9-]+)?$")  # the parser's marks after a word: [?], .v-d
_ENV = "TOOLKIT_LINK_PARSER"
SENTINEL = "!limit=1000"  # sets what is already the default; its echo ends the output of the line before it
_ECHO = "limit set to"
# a sentence that runs out of time is parsed again in "panic" mode, whose settings stay for the sentences after
# it in the same process (link-grammar 5.12: 48 of 120 long MQM sentences got other counts than in a fresh
# process); so a process that panicked takes no more sentences
_PANIC = 'Entering "panic" mode'
_STDBUF = "stdbuf"


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


class _Process:
    """One link-parser process, kept for many sentences."""

    def __init__(self, command: str):
        # line-buffered output (coreutils' stdbuf): the parser flushes after a parse but not after a command's echo
        args = [_STDBUF, "-oL", command, "en", "-graphics=0", "-verbosity=1", "-constituents=3", f"-timeout={TIMEOUT}"]
        env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        self.process = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
            bufsize=1,
        )
        assert self.process.stdin is not None and self.process.stdout is not None  # both are pipes
        self.stdin: IO[str] = self.process.stdin
        self.stdout: IO[str] = self.process.stdout
        self.panicked = False

    def parse(self, lines: list[str]) -> list[Optional[Parse]]:
        """A parse (or None) for each line, in order; fewer when the process dies (or is killed for taking far
        longer than its time limit allows) before the end, or panics (then it stops after that line's parse)."""

        def write() -> None:  # on its own thread: a full output pipe must not stop the input, nor the reverse
            try:
                for line in lines:
                    self.stdin.write(f"{line}\n{SENTINEL}\n")
                self.stdin.flush()
            except (OSError, ValueError):  # the process died; the reader sees its output end
                pass

        writer = threading.Thread(target=write, daemon=True)
        watchdog = threading.Timer(TIMEOUT * len(lines) + 60, self.process.kill)
        writer.start()
        watchdog.start()
        parses: list[Optional[Parse]] = []
        current: Optional[Parse] = None
        try:
            for line in self.stdout:
                if line.startswith(_ECHO):
                    parses.append(current)
                    current = None
                    if len(parses) == len(lines) or self.panicked:
                        break
                elif line.startswith(_PANIC):
                    self.panicked = True
                elif current is None:
                    cost = _COST.search(line)
                    current = Parse(int(cost.group(1)), ()) if cost else None
                elif line.startswith("(") and not current.words:  # the constituents of that parse
                    current = current._replace(
                        words=tuple(
                            w for w in (_TAG.sub("", w) for w in _NULL.findall(line)) if any(c.isalpha() for c in w)
                        )
                    )
        finally:
            watchdog.cancel()
        writer.join()
        return parses

    def close(self) -> None:
        try:
            self.stdin.close()  # the parser ends at the end of its input
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()


def _close_all(idle: "queue.Queue[_Process]") -> None:
    while True:
        try:
            idle.get_nowait().close()
        except queue.Empty:
            return


def workers() -> int:
    """Parser processes at once: WORKERS, but no more than the CPUs, nor than the threads this process is allowed
    (OMP_NUM_THREADS, which `toolkit batch` sets for each worker): a batch worker held to one CPU that ran two
    parsers would take a second CPU from the worker beside it."""
    try:  # OpenMP reads "2", " 2 " and the nested form "2,1" all as 2
        limit = int(os.environ.get("OMP_NUM_THREADS", "").split(",")[0])
    except ValueError:
        limit = WORKERS
    return max(1, min(WORKERS, limit if limit > 0 else WORKERS, os.cpu_count() or 1))


class Parser:
    def __init__(self, command: Optional[str] = None, processes: Optional[int] = None):
        found = command or os.environ.get(_ENV) or shutil.which("link-parser")
        if not found or not shutil.which(found):
            raise Unavailable(
                "no English parser: `make checkers` installs Debian's link-grammar "
                f"(or set {_ENV} to a link-parser program)"
            )
        if not shutil.which(_STDBUF):
            raise Unavailable("no stdbuf (coreutils), which the English parser's processes need")
        self.command = found
        if processes is not None and processes < 1:
            raise ValueError(f"a parser needs at least one process, not {processes}")
        self.processes = processes or workers()
        self.name = "link-grammar"
        self._parsed: dict[str, Optional[Parse]] = {}
        self._pending: list[threading.Thread] = []
        self._failed: list[BaseException] = []
        self._idle: queue.Queue[_Process] = queue.Queue()  # started processes no thread is using
        weakref.finalize(self, _close_all, self._idle)

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

    def _parse_chunk(self, chunk: list[str]) -> list[Optional[Parse]]:
        """The parses of these lines by an idle process (started when none is idle); None for a line the
        parser gave no parse, or that it failed on (a broken parser must not lose the run)."""
        try:
            process = self._idle.get_nowait()
        except queue.Empty:
            process = None
        parses: list[Optional[Parse]] = []
        stillborn = 0  # new processes in a row that parsed nothing: the program is broken, not one line
        while len(parses) < len(chunk):
            fresh = process is None
            if process is None:
                try:
                    # gone mid-run, or a program that cannot even start (no English dictionary installed): stdbuf
                    # would start it, and it fail, once a line
                    if not shutil.which(self.command) or stillborn >= 2:
                        raise FileNotFoundError(self.command)
                    process = _Process(self.command)
                except OSError:
                    return parses + [None] * (len(chunk) - len(parses))
            found = process.parse(chunk[len(parses) :])
            stillborn = stillborn + 1 if fresh and not found else 0
            parses += found
            if process.panicked or len(parses) < len(chunk):  # a new process takes the rest
                if not process.panicked:  # it died on the next line, which gets none (a panicked parse stands)
                    parses.append(None)
                process.close()
                process = None
        if process is not None:
            self._idle.put(process)
        return parses

    def close(self) -> None:
        """End the idle parser processes (they also end with the Parser, or the program)."""
        _close_all(self._idle)

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
        size = min(CHUNK, -(-len(lines) // self.processes))  # every process gets a share of a small batch too
        chunks = [lines[at : at + size] for at in range(0, len(lines), size)]
        with ThreadPoolExecutor(self.processes) as pool:  # threads wait on the parser processes, which do the work
            for chunk, parses in zip(chunks, pool.map(self._parse_chunk, chunks)):
                for line, parse in zip(chunk, parses):
                    for text in todo[line]:
                        self._parsed[text] = parse

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


def grammar_signals(
    parser: Optional[Parser], translation: str, renderings: dict[str, str], lang: Optional[str]
) -> tuple[dict[str, float], list[Reason]]:
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
    technical = (
        f"grammar: the parser links no other word to it ({ours.unlinked} such words here, "
        f"{statistics.median(theirs):g} in the renderings, median)"
    )
    return {"grammar_unlinked": float(gap)}, [
        Reason(
            "grammar",
            f'"{t.text}" does not fit into the sentence\'s grammar; the machine translations read well',
            (t.start, t.end),
            technical,
        )
        for t in _located(translation, ours.words)
    ]


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


def prepare(beads, resources: Resources) -> Optional[Parser]:
    """Start parsing the translations, then the renderings of those that leave a word unlinked (see the
    docstring), in the background; measure waits on the parser it is given for the parses it reads."""
    wanted = [b for b in beads if b.lang in LANGUAGES and b.renderings]
    parser = resources.get("parser", default) if wanted else None
    if parser is None:
        return None
    translations = [b.translation for b in wanted]

    def work() -> None:
        parser.add(translations)
        loose = [b for b in wanted if (parser._parsed.get(b.translation) or Parse(0, ())).unlinked]
        parser.add([r for b in loose for r in b.renderings.values()])

    parser.in_background(work)
    return parser


def measure(bead: BeadTexts, resources: Resources, prepared: Optional[Parser] = None) -> Measured:
    parser = (prepared or resources.get("parser", default)) if bead.lang in LANGUAGES else None
    values, reasons = grammar_signals(parser, bead.translation, bead.renderings, bead.lang)
    return Measured(values, reasons)


FAMILY = Family(
    "grammar",
    (
        Signal(
            "grammar_unlinked",
            "words the parser links to nothing, beyond the renderings' median",
            "the sentence is broken: words hang loose where the machine translations read well",
            neutral=0.0,
            cap=3.0,
            evidence="grammar",
        ),
    ),
    measure,
    prepare,
    module="grammar.py",
    when="English, parser installed",
    background=True,
)
