"""Resumable judging: measured beads kept in the cache as they are made, reused by a rerun, kept through Ctrl-C."""
import json
import sqlite3

import pytest

from toolkit import judge as judge_module
from toolkit import judged_cache, signals
from toolkit.judge import judge
from toolkit.judged_cache import JudgedCache
from toolkit.signals import BeadTexts, Resources

NONE = dict(embedder=None, lexicon=None, parser=None, learnt=None)  # no model: fast, and the same everywhere


def _beads(n):
    return [BeadTexts(f"The army has {k} soldiers and {k + 1} tanks.",
                      {"a": f"The army has {k} soldiers and {k + 1} tanks.", "b": f"The army has {k + 7} soldiers."},
                      lang="en") for k in range(n)]


@pytest.fixture
def counted(monkeypatch):
    """signals.measure, counting the beads it measures."""
    seen = []
    real = signals.measure

    def measure(beads, resources=None, timer=None):
        seen.extend(b.translation for b in beads)
        return real(beads, resources, timer)

    monkeypatch.setattr(signals, "measure", measure)
    return seen


def test_a_rerun_measures_nothing_and_gives_the_same_verdicts(tmp_path, counted):
    store = JudgedCache(tmp_path / "cache.sqlite")
    beads = _beads(5)
    first = judge(beads, resources=Resources(**NONE), store=store)
    assert len(counted) == 5 and len(store) == 5
    again = judge(beads, resources=Resources(**NONE), store=JudgedCache(tmp_path / "cache.sqlite"))
    assert len(counted) == 5  # nothing measured the second time
    assert [(j.measured.values, j.measured.per_rendering, j.measured.reasons) for j in again] == \
        [(j.measured.values, j.measured.per_rendering, j.measured.reasons) for j in first]
    assert [j.verdict for j in again] == [j.verdict for j in first]


def test_ctrl_c_during_judging_keeps_what_was_judged_and_the_rerun_resumes(tmp_path, counted, monkeypatch):
    monkeypatch.setattr(judge_module, "CHUNK", 2)
    real = signals.measure
    calls = []

    def interrupted(beads, resources=None, timer=None):
        calls.append(len(beads))
        if len(calls) == 3:
            raise KeyboardInterrupt  # Ctrl-C while the third chunk is measured
        return real(beads, resources, timer)

    monkeypatch.setattr(signals, "measure", interrupted)
    beads = _beads(6)
    with pytest.raises(KeyboardInterrupt):
        judge(beads, resources=Resources(**NONE), store=JudgedCache(tmp_path / "cache.sqlite"))
    store = JudgedCache(tmp_path / "cache.sqlite")
    assert len(store) == 4  # the two chunks judged before the interrupt

    monkeypatch.setattr(signals, "measure", real)
    seen = []
    monkeypatch.setattr(signals, "measure", lambda b, r=None, t=None: seen.extend(x.translation for x in b) or real(b, r, t))
    resumed = judge(beads, resources=Resources(**NONE), store=store)
    assert seen == [b.translation for b in beads[4:]]  # only what the interrupted run had not judged
    fresh = judge(beads, resources=Resources(**NONE))
    assert [j.verdict for j in resumed] == [j.verdict for j in fresh]


def test_the_key_holds_the_signal_code_and_the_resources(tmp_path, counted, monkeypatch):
    store = JudgedCache(tmp_path / "cache.sqlite")
    beads = _beads(2)
    judge(beads, resources=Resources(**NONE), store=store)
    judge(beads, resources=Resources(**NONE), store=store)
    assert len(counted) == 2
    monkeypatch.setattr(judged_cache, "_code_hash", lambda: "other signal code")
    judge(beads, resources=Resources(**NONE), store=store)
    assert len(counted) == 4  # changed signal code: measured again

    class Named:
        name = "another-embedder"

    assert judged_cache.context(Resources(**{**NONE, "embedder": Named()})) != judged_cache.context(Resources(**NONE))


def test_the_same_bead_twice_in_a_run_is_measured_once(tmp_path, counted):
    beads = _beads(2) * 3
    judged = judge(beads, resources=Resources(**NONE), store=JudgedCache(tmp_path / "cache.sqlite"))
    assert len(counted) == 2 and len(judged) == 6
    assert judged[0].verdict == judged[2].verdict == judged[4].verdict


def test_progress_counts_cache_hits_apart_from_what_is_measured_now(tmp_path):
    store = JudgedCache(tmp_path / "cache.sqlite")
    beads = _beads(4)
    judge(beads[:3], resources=Resources(**NONE), store=store)
    calls = []
    judge(beads, resources=Resources(**NONE), store=store, progress=lambda *args: calls.append(args))
    signals_calls = [c for c in calls if c[0] == "signals"]
    assert signals_calls[0] == ("signals", 3, 4)  # the first call: the 3 cache hits, which the bar keeps out of its rate
    assert signals_calls[-1] == ("signals", 4, 4)
    assert [c for c in calls if c[0] == "fusion"][-1] == ("fusion", 4, 4)


def test_a_damaged_row_is_measured_again(tmp_path, counted):
    store = JudgedCache(tmp_path / "cache.sqlite")
    beads = _beads(1)
    judge(beads, resources=Resources(**NONE), store=store)
    db = sqlite3.connect(str(tmp_path / "cache.sqlite"))
    db.execute("UPDATE judged SET measured = ?", (json.dumps({"values": 1}),))
    db.commit()
    judge(beads, resources=Resources(**NONE), store=JudgedCache(tmp_path / "cache.sqlite"))
    assert len(counted) == 2


def test_a_cache_that_cannot_be_used_says_so_in_one_line(tmp_path):
    (tmp_path / "not-a-db").write_bytes(b"this is no database" * 100)
    with pytest.raises(Exception) as error:
        JudgedCache(tmp_path / "not-a-db")
    assert "cannot be used" in str(error.value) and "\n" not in str(error.value)


def _cli(tmp_path, *args):
    import os
    import subprocess
    import sys

    from conftest import ROOT

    # no embedding or learnt model: the CLI's caching is what is tested, not the models' loading time
    env = dict(os.environ, TOOLKIT_EMBEDDING_MODEL=str(tmp_path / "no-model"),
               TOOLKIT_LEARNT_MODEL=str(tmp_path / "no-model"), TOOLKIT_LINK_PARSER=str(tmp_path / "no-parser"))
    return subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env)


def test_score_keeps_judged_pairs_in_its_cache_and_a_rerun_gives_the_same_records(tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("".join(json.dumps({"id": k, "translation": b.translation, "renderings": b.renderings,
                                         "lang": "en"}) + "\n" for k, b in enumerate(_beads(3))), encoding="utf-8")
    cache = tmp_path / "cache.sqlite"
    first = _cli(tmp_path, "score", str(pairs), "--cache", str(cache), "-q")
    assert first.returncode == 0 and first.stderr == "", first.stderr
    assert len(JudgedCache(cache)) == 3
    again = _cli(tmp_path, "score", str(pairs), "--cache", str(cache))
    assert again.returncode == 0 and again.stdout == first.stdout
    none = _cli(tmp_path, "score", str(pairs), "--no-cache", "--out", str(tmp_path / "out.jsonl"))
    assert none.returncode == 0 and (tmp_path / "out.jsonl").read_text(encoding="utf-8") == first.stdout


def test_compare_keeps_its_judged_beads_beside_its_renderings(tmp_path):
    beads = _beads(4)
    translation = tmp_path / "t.en.txt"
    translation.write_text("\n".join(b.translation for b in beads) + "\n", encoding="utf-8")
    renderings = tmp_path / "r.en.txt"
    renderings.write_text("\n".join(b.renderings["b"] for b in beads) + "\n", encoding="utf-8")
    cache = tmp_path / "cache.sqlite"
    args = ["compare", str(translation), "--lang", "en", "--engine", f"file:{renderings}", "--cache", str(cache)]
    first = _cli(tmp_path, *args, "--out", str(tmp_path / "one"))
    assert first.returncode == 0, first.stderr
    assert "bead/s" in first.stderr  # the signals and fusion stages draw bars
    assert len(JudgedCache(cache)) == 4
    again = _cli(tmp_path, *args, "--out", str(tmp_path / "two"), "-q")
    assert again.returncode == 0 and again.stderr == "", again.stderr
    assert (tmp_path / "one" / "beads.jsonl").read_text() == (tmp_path / "two" / "beads.jsonl").read_text()


def test_the_renderings_kinds_are_part_of_a_beads_key():
    from toolkit.judged_cache import bead_key
    from toolkit.signals import BeadTexts

    plain = BeadTexts("x", {"spa": "y"})
    assert bead_key("c", plain) != bead_key("c", BeadTexts("x", {"spa": "y"}, kinds={"spa": "round-trip"}))
    assert bead_key("c", plain) == bead_key("c", BeadTexts("x", {"spa": "y"}))


def test_a_store_made_in_one_thread_serves_another(tmp_path):
    """A batch actor opens its store when it is built and judges in Ray Data's worker thread."""
    import threading

    store = JudgedCache(tmp_path / "cache.sqlite")
    beads = _beads(3)
    results = []
    worker = threading.Thread(target=lambda: results.append(judge(beads, resources=Resources(**NONE), store=store)))
    worker.start()
    worker.join()
    assert len(results) == 1 and len(store) == 3  # measured and kept from the other thread
    again = judge(beads, resources=Resources(**NONE), store=store)
    assert store.hits == 3 and [j.verdict for j in again] == [j.verdict for j in results[0]]
    store.close()
