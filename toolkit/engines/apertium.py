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


# Debian 12's packages of Apertium pairs between languages the toolkit knows, and the codes of their modes
# (older packages name modes with two-letter codes). A static list: asking apt at run time is slow and says
# nothing offline. Debian has no pair with German, Dutch or Polish, and French only with Spanish and Catalan.
DEBIAN_PAIRS: dict[str, str] = {
    "apertium-eng-spa": "eng-spa",
    "apertium-eng-cat": "eng-cat",
    "apertium-spa-cat": "spa-cat",
    "apertium-fr-es": "fr-es",
    "apertium-fra-cat": "fra-cat",
    "apertium-es-pt": "es-pt",
    "apertium-por-cat": "por-cat",
    "apertium-es-ro": "es-ro",
    "apertium-spa-ita": "spa-ita",
    "apertium-cat-ita": "cat-ita",
    "apertium-swe-dan": "swe-dan",
    "apertium-rus-ukr": "rus-ukr",
    "apertium-bel-rus": "bel-rus",
}


def _langs(pair: str) -> Optional[tuple[str, str]]:
    """("en", "es") for "eng-spa" or "en-es"; None for a mode the toolkit has no language for (eng-cat_valencia)."""
    parts = pair.split("-")
    if len(parts) != 2:
        return None
    try:
        return languages.check(parts[0]), languages.check(parts[1])
    except ToolkitError:
        return None


def installed_pairs() -> list[str]:
    """Pairs with both directions installed, between languages the toolkit knows ([] without Apertium)."""
    try:
        modes = installed_modes()
    except ToolkitError:
        return []
    pairs: dict[frozenset, str] = {}
    for mode in sorted(modes):
        a, _, b = mode.partition("-")
        reverse = f"{b}-{a}"
        langs = _langs(mode)
        if langs and reverse in modes:
            # named as its Debian package names it (eng-cat, not cat-eng) when it has one
            pairs.setdefault(frozenset(langs), reverse if reverse in DEBIAN_PAIRS.values() else mode)
    return list(pairs.values())


def _serving(pairs, lang: str, other: Optional[str]) -> list[str]:
    want = {lang, other} if other else None
    found = [p for p in pairs if (set(_langs(p) or ()) == want if want else lang in (_langs(p) or ()))]
    # the engines the README and make demo use first, so the default round trips stay what they were
    return sorted(found, key=lambda p: (p not in ("eng-spa", "eng-cat"), p != "eng-spa", p))


def pairs_serving(lang: str, other: Optional[str] = None) -> list[str]:
    """Installed pairs that translate between lang and other, or (without other) make a round trip of lang."""
    return _serving(installed_pairs(), lang, other)


def packages_serving(lang: str, other: Optional[str] = None) -> list[str]:
    """Debian packages whose pair would serve lang (with other): e.g. ["apertium-eng-spa (en<->es)"]."""
    return [
        f"{package} ({'<->'.join(_langs(DEBIAN_PAIRS[package]) or ())})"
        for package in DEBIAN_PAIRS
        if DEBIAN_PAIRS[package] in _serving(DEBIAN_PAIRS.values(), lang, other)
    ]


def _install_hint(pair: str) -> str:
    langs = _langs(pair)
    for package, mode in DEBIAN_PAIRS.items():
        if langs and set(_langs(mode) or ()) == set(langs):
            return f"apt-get install {package}" + ("" if mode == pair else f", then use apertium:{mode}")
    if not langs:
        return "Debian has no package for it"
    with_either = [p for a in langs for p in packages_serving(a)]
    return f"Debian has no Apertium package for {'-'.join(langs)}" + (
        f"; its pairs with these languages: {', '.join(dict.fromkeys(with_either))}"
        if with_either
        else "; use a file: or model engine (toolkit models list --pair " + "-".join(langs) + ")"
    )


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
        # the codes this pair's modes are named with (eng-spa, but fr-es for older packages)
        self.codes: dict[str, str] = dict(zip(self.langs, parts))
        modes = installed_modes()
        for mode in (pair, f"{parts[1]}-{parts[0]}"):
            if mode not in modes:
                raise ToolkitError(
                    f"Apertium mode {mode} is not installed: {_install_hint(pair)} "
                    f"(installed pairs: {', '.join(installed_pairs()) or 'none'})"
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
        mode = f"{self.codes[src]}-{self.codes[tgt]}"
        texts = [" ".join(s.split()) for s in sentences]
        todo = [t for t in texts if t]
        # A blank line between sentences is a paragraph break to Apertium: with a single newline, a line
        # without a final stop runs into the next one and transfer rules move words across the line break.
        done = subprocess.run(["apertium", "-u", mode], input="\n\n".join(todo) + "\n", capture_output=True, text=True)
        if done.returncode != 0:
            raise ToolkitError(f"apertium {mode} failed: {done.stderr.strip()[:300]}")
        lines = [line.strip() for line in done.stdout.strip("\n").split("\n\n")] if todo else []
        if len(lines) != len(todo):
            raise ToolkitError(f"apertium {mode} returned {len(lines)} paragraphs for {len(todo)} sentences")
        outputs = iter(lines)
        return [next(outputs) if t else "" for t in texts]
