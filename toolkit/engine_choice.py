"""Which engines judge a document when the user names none: the registry's downloaded open MT models, else the
installed Apertium pairs that serve its languages; when nothing serves, one error saying what would."""

from __future__ import annotations

import sys

from .errors import ToolkitError

DEFAULT_ENGINES = ["apertium:eng-spa", "apertium:eng-cat"]


def default_engines(lang, source_lang, has_original: bool) -> list[str]:
    """The registry's open MT models for the languages when they are downloaded, else the installed Apertium
    pairs that serve them: between the two languages with an original, else a round trip of the translation's.
    When nothing serves, one error that says what would."""
    from . import models
    from .engines import apertium
    from .pipeline import no_engine_between

    specs, missing = models.default_engines(lang, source_lang)
    if specs:
        return specs
    pair = f"{lang}-{models.round_trip_pivot(lang, source_lang)}"
    other = source_lang if has_original else None  # without an original, its language only picks the pivot
    fetch = f"toolkit models download --pair {pair}"
    pairs = apertium.pairs_serving(lang, other)
    if pairs:
        chosen = [f"apertium:{p}" for p in pairs]
        how = "Apertium" if other else "the Apertium round trips"
        print(
            f"toolkit compare: no open MT model for {pair} is downloaded ({', '.join(missing)}); using {how} "
            f"{' '.join(chosen)} instead (fetch the models: {fetch})",
            file=sys.stderr,
        )
        return chosen
    packages = apertium.packages_serving(lang, other)
    apertium_hint = (
        f"apt-get install {' or '.join(p.split()[0] for p in packages)} adds one"
        if packages
        else f"Debian has no Apertium pair for {'-'.join((other, lang)) if other else lang}"
    )
    if other:
        raise ToolkitError(no_engine_between(other, lang) + f"; {apertium_hint}")
    raise ToolkitError(
        f"no engine here makes a round trip of {lang} text: no open MT model for {pair} is downloaded ({fetch}), "
        f"no installed Apertium pair has {lang} ({apertium_hint}); or give precomputed renderings with "
        "--engine file:PATH"
    )
