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


# --- one cache, several threads and processes (as the actors of `toolkit batch` use it) ---------------------

def test_a_cache_made_in_one_thread_is_used_in_others(tmp_path):
    """Ray Data builds a stage's actor in one thread and calls it in another: the cache must follow."""
    import threading

    cache = RenderingCache(tmp_path / "cache.sqlite")
    failures = []

    def render_some(k):
        try:
            engine = Shouting()
            texts = [f"Thread {k} sentence {n}." for n in range(20)] + ["Shared."]
            assert render.translate(engine, texts, "en", "es", cache) == [f"es:{t}" for t in texts]
        except Exception as err:  # noqa: BLE001 - reported below, in the test's thread
            failures.append(repr(err))

    threads = [threading.Thread(target=render_some, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert len(cache) == 4 * 20 + 1  # every thread's renderings, "Shared." once
    again = Shouting()
    render.translate(again, [f"Thread {k} sentence 3." for k in range(4)], "en", "es", cache)
    assert again.seen == 0  # all served by what the threads wrote
    cache.close()


WRITER = """
import sys
from toolkit.cache import RenderingCache
cache = RenderingCache(sys.argv[1])
for n in range(40):
    cache.put_many("sig", "en", "es", [(f"{sys.argv[2]} {n}", f"out {n}")])
"""


def test_processes_write_one_cache_file_at_once(tmp_path):
    """Two actors on one node share the file: WAL and a busy wait let both commit every row."""
    import subprocess
    import sys

    from conftest import ROOT

    path = tmp_path / "cache.sqlite"
    RenderingCache(path).close()
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), name], cwd=ROOT, stderr=subprocess.PIPE,
                                text=True) for name in ("a", "b", "c")]
    errors = [w.communicate(timeout=120)[1] for w in writers]
    assert [w.returncode for w in writers] == [0, 0, 0], errors
    cache = RenderingCache(path)
    assert len(cache.get_many("sig", "en", "es", [f"{name} {n}" for name in "abc" for n in range(40)])) == 120
