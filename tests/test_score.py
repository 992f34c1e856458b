"""`toolkit score` keeps the DESIGN.md contract with the calibrated fusion behind it."""
import json

import pytest

from toolkit.errors import ToolkitError
from toolkit.score import score_lines, score_record

CONTRACT = {"divergence": float, "flag": bool, "severity": str, "reasons": list}


def _check_contract(given: dict, got: dict) -> None:
    assert {k: got[k] for k in given} == given  # the input comes back as it was
    for key, kind in CONTRACT.items():
        assert isinstance(got[key], kind), key
    assert 0.0 <= got["divergence"] <= 1.0
    assert got["severity"] in {"none", "minor", "major", "critical"}
    assert got["flag"] == (got["severity"] != "none")
    for reason in got["reasons"]:
        assert set(reason) == {"signal", "detail", "translation_span", "technical"}  # DESIGN.md, plus technical
        span = reason["translation_span"]
        assert span is None or (0 <= span[0] < span[1] <= len(got["translation"]))


def test_each_line_in_one_line_out_with_the_contract_fields():
    records = [
        {"id": 1, "translation": "The army has 90,000 soldiers and is not ready.",
         "renderings": ["The army has 45,000 soldiers and is ready.", "The army has 45,000 troops and is ready."],
         "lang": "en", "source": "Die Armee hat 45.000 Soldaten und ist bereit."},
        {"id": 2, "translation": "The army has 45,000 soldiers and is ready.",
         "renderings": {"a": "The army has 45,000 soldiers and is ready.", "b": "The army has 45,000 troops and is "
                                                                              "ready."}, "lang": "en"},
        {"id": 3, "translation": "Die Armee hat 45.000 Soldaten.", "renderings": ["Die Armee hat 45.000 Soldaten."],
         "lang": "de"},
    ]
    lines = [json.dumps(r) for r in records]
    scored = list(score_lines(["", *lines, "  "]))
    assert [s["id"] for s in scored] == [1, 2, 3]
    for given, got in zip(records, scored):
        _check_contract(given, got)
    assert scored[0]["flag"] and not scored[1]["flag"] and not scored[2]["flag"]
    assert scored[0]["divergence"] > scored[1]["divergence"]
    shifted = scored[0]
    spans = {shifted["translation"][a:b] for a, b in (r["translation_span"] for r in shifted["reasons"]
                                                       if r["translation_span"])}
    assert "90,000" in spans and "not" in spans


def test_german_translation_has_no_embedding_signals():
    got = score_record({"translation": "Die Armee ist bereit.", "renderings": ["Die Armee ist kriegsbereit."],
                        "lang": "de"})
    assert not any(name.startswith("embed_") for name in got["signals"])


def test_threshold_moves_the_flag_not_the_divergence():
    record = {"translation": "The army is ready for war.", "renderings": ["The troops are prepared for battle."],
              "lang": "en"}
    strict, lax = score_record(record, threshold=0.0), score_record(record, threshold=1.01)
    assert strict["divergence"] == lax["divergence"]
    assert strict["flag"] and not lax["flag"]


@pytest.mark.parametrize("record, message", [
    ({"renderings": ["x"]}, "translation"),
    ({"translation": "x", "renderings": "x"}, "renderings"),
    ({"translation": "x", "renderings": []}, "renderings"),
    ({"translation": "x", "renderings": ["x"], "source": 3}, "source"),
    ({"translation": "x", "renderings": ["x"], "lang": 7}, "lang"),
    ({"translation": "x", "renderings": ["x"], "lang": "xx"}, "pairs.jsonl:1: unknown language code 'xx'"),
    ({"translation": "x", "renderings": ["x"], "source_lang": ["de"]}, "source_lang"),
])
def test_bad_records_say_what_is_wrong(record, message):
    with pytest.raises(ToolkitError, match=message):
        score_record(record, "pairs.jsonl:1")


def test_language_codes_are_normalised_before_the_fusion_sees_them():
    record = {"translation": "He paid 2,000 euros.", "renderings": ["He paid 1.000 euros."]}
    assert score_record({**record, "lang": "EN"})["divergence"] == score_record({**record, "lang": "en"})["divergence"]


def test_a_german_source_with_its_language_gets_the_dictionary_checks(tmp_path, monkeypatch):
    from toolkit.signals import dictionary

    (tmp_path / "de-en").write_text("Saison {f} :: season\nMontag {m} :: Monday\n", encoding="utf-8")
    monkeypatch.setenv("TOOLKIT_DICTIONARY", str(tmp_path / "de-en"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    dictionary.default.cache_clear()
    try:
        record = {"translation": "The Saison ends on Monday.", "renderings": ["The season ends on Monday."],
                  "lang": "en", "source": "Die Saison endet am Montag."}
        assert "source_copied" not in score_record(record)["signals"]  # which language is the source?
        scored = score_record({**record, "source_lang": "DE"})
        assert scored["signals"]["source_copied"] == 1.0
        assert any("Saison" in r["detail"] for r in scored["reasons"])
    finally:
        dictionary.default.cache_clear()


def test_an_interrupted_score_rerun_measures_only_the_rest_and_writes_the_same(tmp_path, monkeypatch):
    """`toolkit score` keeps the judged pairs as they are made: Ctrl-C (raised here from the progress callback,
    once the first batch is kept) and a rerun measure every pair once, and give a straight run's output."""
    from toolkit import score as score_module
    from toolkit import signals
    from toolkit.judged_cache import JudgedCache

    lines = [json.dumps({"id": k, "translation": f"The army has {k} soldiers and {k + 1} tanks.",
                         "renderings": [f"The army has {k} soldiers and {k + 1} tanks.",
                                        f"The army has {k + 7} soldiers."], "lang": "en"}) for k in range(7)]
    monkeypatch.setattr(score_module, "BATCH", 3)  # three batches, kept one by one
    measured = []
    real = signals.measure

    def counting(beads, resources=None, timer=None):
        measured.extend(b.translation for b in beads)
        return real(beads, resources, timer)

    monkeypatch.setattr(signals, "measure", counting)
    straight = [json.dumps(r) for r in score_lines(lines, store=None)]
    assert len(measured) == 7
    measured.clear()

    def ctrl_c_after_the_first_batch(stage, done, total):
        if stage == "signals" and done >= 3:
            raise KeyboardInterrupt

    path = tmp_path / "cache.sqlite"
    with pytest.raises(KeyboardInterrupt):
        list(score_lines(lines, store=JudgedCache(path), progress=ctrl_c_after_the_first_batch))
    assert len(measured) == 3 and len(JudgedCache(path)) == 3  # the first batch was kept when Ctrl-C came
    measured.clear()
    rerun = [json.dumps(r) for r in score_lines(lines, store=JudgedCache(path))]
    assert sorted(measured) == sorted(json.loads(line)["translation"] for line in lines[3:])  # only the rest
    assert rerun == straight
