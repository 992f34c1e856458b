import pytest

from toolkit import render
from toolkit.cache import RenderingCache
from toolkit.engines.base import Engine
from toolkit.errors import ToolkitError
from toolkit.segment import segment_text


class Shouting(Engine):
    """A deterministic engine that counts how many sentences reach it."""

    batch_size = 2

    def __init__(self, fail_after_batches=None):
        self.spec = "test:shout"
        self.calls = 0
        self.seen = 0
        self.fail_after = fail_after_batches

    def signature_fields(self):
        return [("test", "shout"), ("v", "1")]

    def supports(self, src, tgt):
        return {src, tgt} == {"en", "es"}

    def pivot_for(self, lang):
        return "es" if lang == "en" else "en"

    def translate(self, sentences, src, tgt):
        if self.fail_after is not None and self.calls >= self.fail_after:
            raise KeyboardInterrupt
        self.calls += 1
        self.seen += len(sentences)
        return [f"{tgt}:{s}" for s in sentences]


SENTENCES = ["One.", "Two.", "Three.", "Two.", "Four.", "Five."]


def test_second_run_is_served_by_the_cache(cache):
    engine = Shouting()
    first = render.translate(engine, SENTENCES, "en", "es", cache)
    assert first == [f"es:{s}" for s in SENTENCES]
    assert engine.seen == 5  # the repeated sentence is rendered once
    again = render.translate(engine, SENTENCES, "en", "es", cache)
    assert again == first and engine.seen == 5


def test_a_killed_run_resumes_where_it_stopped(tmp_path):
    path = tmp_path / "cache.sqlite"
    with pytest.raises(KeyboardInterrupt):
        render.translate(Shouting(fail_after_batches=1), SENTENCES, "en", "es", RenderingCache(path))
    resumed = Shouting()
    out = render.translate(resumed, SENTENCES, "en", "es", RenderingCache(path))
    assert out == [f"es:{s}" for s in SENTENCES]
    assert resumed.seen == 3  # the first batch of two survived the interruption


def test_the_cache_is_keyed_by_languages_and_signature(cache):
    engine = Shouting()
    render.translate(engine, ["One."], "en", "es", cache)
    assert render.translate(engine, ["One."], "es", "en", cache) == ["en:One."]
    assert engine.seen == 2


def test_round_trip_goes_through_the_pivot(cache):
    doc = segment_text("One. Two.", "en")
    rendering = render.round_trip(Shouting(), doc, cache=cache)
    assert rendering.kind == "round-trip" and rendering.pivot == "es"
    assert rendering.sentences == ["en:es:One.", "en:es:Two."]


def test_unsupported_direction_is_refused(cache):
    with pytest.raises(ToolkitError, match="cannot translate en->de"):
        render.translate(Shouting(), ["One."], "en", "de", cache)
