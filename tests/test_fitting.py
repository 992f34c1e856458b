"""Training-side code of the learnt model (training/): the readers on small fake data in the shared data's
formats, the document split, the synthetic shifts and harmless edits, and `make train` end to end on a tiny
random model for a few steps."""
from __future__ import annotations

import collections
import gzip
import json
import random
import re
from pathlib import Path

import pytest

from training import pairs as P
from training import shifts as S
from training import sources
from training.wordnet import DEFAULT as WORDNET_DIR

SENTENCES = [
    "The minister said on Monday that 2,000 soldiers were sent to Minsk.",
    "He is not at home, the police reported.",
    "Berlin and Paris will sign the new treaty in May.",
    "She paid 40 euros for the old house in Hamburg.",
    "The company does not expect three million people at the fair this year.",
]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _is_subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(word in it for word in short)


# --- shifts ---------------------------------------------------------------------------------------------------

POOL = S.Pool(names=["Warsaw", "Kowalski"], phrases=["in the evening", "with the army"])


def _apply(name, text, seed=0):
    return S.apply(name, text, random.Random(seed), POOL, None)


def test_number_shift_changes_a_number_and_nothing_else():
    for seed in range(10):
        text = SENTENCES[0]
        out = _apply("replace_number", text, seed)
        assert out and out != text
        before, after = re.findall(r"\d[\d,]*", text), re.findall(r"\d[\d,]*", out)
        assert before != after and len(before) == len(after)
        assert re.sub(r"\d[\d,]*", "#", text) == re.sub(r"\d[\d,]*", "#", out)
    assert _apply("replace_number", "No figures here.") is None


def test_negation_is_added_or_removed():
    assert _words(_apply("negate", "He was at home."))[:3] == ["he", "was", "not"]
    removed = _apply("negate", "He is not at home.")
    assert "not" not in _words(removed) and _words(removed) == ["he", "is", "at", "home"]
    assert _apply("negate", "Cats sleep.") is None


def test_omissions_drop_words_and_additions_add_them():
    for seed in range(8):
        text = random.Random(seed).choice(SENTENCES)
        for name in ("omit_word", "omit_phrase"):
            out = _apply(name, text, seed)
            if out:
                assert len(_words(out)) < len(_words(text))
                assert _is_subsequence(_words(out), _words(text)), (name, out)
        for name in ("add_word", "add_phrase"):
            out = _apply(name, text, seed)
            assert out and len(_words(out)) > len(_words(text))
            assert _is_subsequence(_words(text), _words(out)), (name, out)


def test_name_role_tense_modality_gender_question_shifts():
    out = _apply("replace_name", "The treaty was signed by Merkel and Macron.")
    assert out and ("Warsaw" in out or "Kowalski" in out) and ("Merkel" not in out or "Macron" not in out)
    swapped = _apply("swap_roles", "Yesterday Bayern beat Dortmund.")
    assert swapped == "Yesterday Dortmund beat Bayern."
    assert _apply("tense", "She is in Berlin.") == "She was in Berlin."
    assert _apply("modality", "You must pay.") == "You may pay."
    assert _apply("gender", "He paid.") == "She paid."
    assert _apply("question", "He paid.") == "He paid?"
    assert _apply("question", "Did he pay?") is None


@pytest.mark.skipif(not (WORDNET_DIR / "index.noun").exists(), reason="WordNet (Debian wordnet) is not installed")
def test_wordnet_shifts_and_synonyms():
    from training.wordnet import WordNet

    wordnet = WordNet()
    assert "little" in wordnet.antonyms("big") or "small" in wordnet.antonyms("big")
    assert "big" in wordnet.synonyms("large")
    text = "The big house was cheap."
    out = S.apply("antonym", text, random.Random(0), POOL, wordnet)
    assert out and len(_words(out)) == len(_words(text)) and out != text
    hyper = S.apply("hypernym", "The tank stood there.", random.Random(0), POOL, wordnet)
    assert hyper and "tank" not in hyper
    synonym = S.apply("synonym", "The large house stood there.", random.Random(0), POOL, wordnet)
    assert synonym and sum(a != b for a, b in zip(_words(synonym), _words("the large house stood there"))) == 1


@pytest.mark.skipif(not (WORDNET_DIR / "index.noun").exists(), reason="WordNet (Debian wordnet) is not installed")
def test_tense_aspect_and_modifier_shifts():
    from training.wordnet import WordNet

    wordnet = WordNet()
    assert wordnet.verb_exceptions["went"] == "go"
    assert "small" in wordnet.opposites("huge")  # a satellite adjective: the antonym of its head, "large"
    pool = S.Pool.from_texts(["The minister announced it, announces it and is announcing it; she says it is signing.",
                              "They announced, announces, announcing, signing, signed, signs, said; a quick ruling came quickly."])
    assert {"announced", "announces", "announcing"} <= pool.vocab

    def every(name, text):
        return {S.apply(name, text, random.Random(seed), pool, wordnet) for seed in range(20)} - {None}

    assert every("verb_tense", "The minister announced the plan.") == {
        "The minister will announce the plan.", "The minister announces the plan."}
    assert "The minister announced the plan." in every("verb_tense", "The minister will announce the plan.")
    assert "He will say no." in every("verb_tense", "He said no.")
    assert every("aspect", "The minister was announcing the plan.") == {
        "The minister had announced the plan.", "The minister announced the plan."}
    assert every("aspect", "They have signed the treaty.") == {"They are signing the treaty."}
    assert every("omit_modifier", "The old man walked slowly home.") <= {
        "The man walked slowly home.", "The old man walked home."}
    assert every("omit_verb", "The minister announced the plan yesterday.") == {"The minister the plan yesterday."}
    added = every("add_modifier", "He read a book.")
    assert added and all(re.fullmatch(r"He (read an? [a-z]+ book|[a-z]+ly read a book)\.", a) for a in added)
    for name in ("verb_tense", "aspect", "omit_modifier", "omit_verb", "add_modifier", "opposite"):
        assert S.apply(name, "The minister announced the plan.", random.Random(0), pool, None) is None
    # opt-in: the shipped recipe draws none of them
    drawn = {S.random_edit("shift", "The minister was announcing the plan.", random.Random(seed), pool, wordnet)[0]
             for seed in range(40)}
    assert not drawn & set(S.EXTRA_SHIFTS)
    drawn = {S.random_edit("shift", "The minister was announcing the plan.", random.Random(seed), pool, wordnet,
                           extra=True)[0] for seed in range(40)}
    assert drawn & set(S.EXTRA_SHIFTS)


def test_harmless_edits_keep_the_words():
    for text in SENTENCES:
        for seed in range(5):
            for name in ("punctuation", "casing", "reorder_coordination"):
                out = _apply(name, text, seed)
                if out:
                    assert out != text
                    assert collections.Counter(_words(out)) == collections.Counter(_words(text)), (name, out)
    assert _apply("reorder_coordination", SENTENCES[2]) == "Paris and Berlin will sign the new treaty in May."
    assert _apply("contraction", "He does not know.") == "He doesn't know."
    assert _apply("number_format", "It cost 2,000 euros.") == "It cost 2000 euros."
    assert _apply("number_format", "It was 1990.") is None  # a year keeps its form


def test_random_edits_are_seeded():
    first = [S.random_edit("shift", t, random.Random(5), POOL) for t in SENTENCES]
    again = [S.random_edit("shift", t, random.Random(5), POOL) for t in SENTENCES]
    assert first == again and all(first)
    assert all(S.random_edit("harmless", t, random.Random(1), POOL) for t in SENTENCES)


# --- fake shared data -----------------------------------------------------------------------------------------

def _write_tsv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    text = "\t".join(header) + "\n" + "".join("\t".join(r) + "\n" for r in rows)
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(text)
    else:
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def fake_data(tmp_path):
    """Ten MQM documents and three WMT sets of ten groups each, in the formats of ../shared/data."""
    rng = random.Random(0)
    data = tmp_path / "data"
    mqm = data / sources.MQM
    mqm.mkdir(parents=True)
    records = []
    for d in range(10):
        for seg in range(2):
            base = SENTENCES[(d + seg) % len(SENTENCES)]
            for s, system in enumerate(["sysA", "sysB", "sysC", "sysD"]):
                target = base if s == 0 else base[:-1] + "!" if s == 1 else S.random_edit("shift", base, rng, POOL)[1]
                for rater in range(3):
                    errors = [{"category": "Accuracy/Mistranslation", "severity": "Major", "side": "target",
                               "start": 0, "end": 2, "span": "xx"}] if s >= 2 and rater < (2 if s == 2 else 1) else []
                    errors += [{"category": "Fluency/Grammar", "severity": "Major", "side": "target"}] if s == 1 else []
                    records.append({"system": system, "doc": f"doc{d}", "docSegId": str(seg + 1), "globalSegId": "0",
                                    "rater": f"rater{rater}", "source": "源", "target": target, "errors": errors})
    with gzip.open(mqm / "sxs_mqm_generalMT2023_zhen.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(r) + "\n" for r in records)
    def variants(i):
        text = SENTENCES[i % len(SENTENCES)]
        return [text, text.replace(".", "!"), text.replace("The ", "A ", 1)]
    folder = data / "wmt21_newstest_deen"
    folder.mkdir()
    _write_tsv(folder / "newstest2021.de-en.systems.tsv.gz",
               ["line_id", "block_id", "source_de", "ref_A_en", "ref_B_en", "wmt21_X"],
               [[str(i), f"nt21deen_block{i // 2:02d}", "Quelle", *variants(i)] for i in range(20)])
    folder = data / "wmt22_generaltest_deen"
    folder.mkdir()
    _write_tsv(folder / "generaltest2022.de-en.systems.tsv.gz", ["line", "source_de", "ref_A_en", "ref_B_en", "wmt22_X"],
               [[str(1 + 25 * i), "Quelle", *variants(i)] for i in range(20)])
    folder = data / "wmt23_generaltest_deen"
    folder.mkdir()
    _write_tsv(folder / "generaltest2023.de-en.systems.tsv.gz", ["line_id", "block_id", "source_de", "ref_A_en", "wmt23_X", "wmt23_Y"],
               [[str(i), f"gt23deen_block{i // 2:02d}", "Quelle", *variants(i)] for i in range(20)])
    folder = data / sources.DEMETR
    folder.mkdir()
    _write_tsv(folder / "demetr_de.sentences.tsv", ["item_id", "origin_testset", "origin_line"],
               [["101", "newstest2021.de-en", "3"], ["151", "flores101.devtest", "4"]])
    return data


def test_readers_label_mqm_and_leave_out_demetr_lines(fake_data):
    mqm = sources.read_mqm(fake_data)
    assert len(mqm) == 20 and mqm[0].group == "doc0"
    counts = mqm[0].major_accuracy
    assert counts == {"sysA": 0, "sysB": 0, "sysC": 2, "sysD": 1}  # a Fluency error is no accuracy error
    clean, errors = P.clean_and_errors(mqm[0])
    assert clean == [mqm[0].translations["sysA"], mqm[0].translations["sysB"]]
    assert errors == [mqm[0].translations["sysC"]]
    items = P.mqm_items(mqm[:1])
    assert [i.label for i in items] == [0, 0, 1] and len(items[0].renderings) == 3  # sysD (1 rater) left out
    assert sources.demetr_wmt21_lines(fake_data) == {3}
    wmt = sources.read_all_wmt(fake_data)
    wmt21 = [s for s in wmt if s.dataset == "wmt21_newstest_deen"]
    assert "3" not in {s.key for s in wmt21} and len(wmt21) == 19
    wmt22 = [s for s in wmt if s.dataset == "wmt22_generaltest_deen"]
    assert wmt22[0].group == "gt22deen_block00" and wmt22[2].group == "gt22deen_block01"  # 50-line blocks
    assert set(wmt22[0].translations) == {"ref_A_en", "ref_B_en", "wmt22_X"}


def test_missing_data_is_named(tmp_path):
    with pytest.raises(sources.DataMissing, match="wmt23_sxs_mqm_zhen"):
        sources.read_mqm(tmp_path)


def test_split_keeps_each_document_on_one_side(fake_data):
    segments = sources.read_mqm(fake_data) + sources.read_all_wmt(fake_data)
    split = sources.split_segments(segments, seed=13)
    sides = {side: {(s.dataset, s.group) for s in segs} for side, segs in split.items()}
    assert not sides["train"] & sides["test"] and not sides["train"] & sides["dev"] and not sides["dev"] & sides["test"]
    assert sum(len(v) for v in split.values()) == len(segments)
    mqm_test_docs = {g for d, g in sides["test"] if d == sources.MQM}
    assert len(mqm_test_docs) == round(10 * 0.25)
    assert split == sources.split_segments(segments, seed=13)
    assert sources.assign_splits(["a", "b", "c"], 1) == sources.assign_splits(["c", "b", "a", "a"], 1)


def test_triplets_pair_a_change_with_a_same_meaning_text(fake_data):
    mqm = sources.read_mqm(fake_data)
    wmt = sources.read_all_wmt(fake_data)
    maker = P.TripletMaker(mqm, wmt, seed=3, wordnet=None)
    triplets = maker.many(60)
    assert {t.recipe for t in triplets} == {"mqm", "mqm_synth", "wmt_synth"}
    for triplet in triplets:
        (same, y0), (changed, y1) = triplet.pairs()
        assert (y0, y1) == (0, 1) and triplet.changed != triplet.same
        assert triplet.rendering in (same if triplet.swap else same[::-1])
    assert [t.changed for t in P.TripletMaker(mqm, wmt, seed=3, wordnet=None).many(60)] == [t.changed for t in triplets]


def test_make_train_end_to_end_on_a_tiny_model(fake_data, tmp_path, monkeypatch):
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from test_learnt import WORDS

    from toolkit import learnt
    from training import train
    from transformers import BertConfig, BertModel, BertTokenizer

    base = tmp_path / "tiny"
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(WORDS))
    BertTokenizer(vocab={w: i for i, w in enumerate(vocab)}).save_pretrained(base)
    BertModel(BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)).save_pretrained(base)
    out = tmp_path / "artifact"
    args = ["--data", str(fake_data), "--base", str(base), "--out", str(out), "--work", str(tmp_path / "work"),
            "--steps", "4", "--batch", "2", "--warmup", "2", "--eval-every", "2", "--checkpoint-every", "2",
            "--dev-items", "4", "--max-length", "48", "--first-layer", "1", "--r", "2", "--no-wordnet"]
    assert train.main(args) == 0
    recipe = json.loads((out / "recipe.json").read_text())
    assert recipe["excluded_wmt21_lines"] == [3] and recipe["run"]["best_step"] in (2, 4)
    assert set(recipe["metrics"]) >= {"mqm_auroc_mean", "mqm_clean_flagged", "synthetic_auroc"}
    assert not set(recipe["split"]["mqm_test_docs"]) & set(recipe["split"]["mqm_dev_docs"])
    model = learnt.DivergenceModel(base=base, folder=out)
    assert model.score([("He paid.", "He paid!")]).shape == (1,)
    # a rerun with the same settings resumes from the finished checkpoint and writes the same adapter
    first = (out / "adapter.safetensors").read_bytes()
    assert train.main(args) == 0
    assert (out / "adapter.safetensors").read_bytes() == first
    # the benchmark of the model alone reads the artifact through the same environment a user would set
    monkeypatch.setenv("TOOLKIT_LEARNT_BASE", str(base))
    monkeypatch.setenv("TOOLKIT_LEARNT_MODEL", str(out))
    import runpy

    from conftest import ROOT

    bench = runpy.run_path(str(ROOT / "eval" / "benchmarks" / "learnt.py"))["run"]
    result = bench(fake_data)
    assert "mqm.auroc_mean" in result["metrics"] and "DEMETR skipped" in result["table"]
    assert result["signature"].startswith("learnt:tiny+adapter.")
    assert bench(fake_data)["metrics"] == result["metrics"]


def test_make_train_without_data_skips(tmp_path, capsys):
    from training import train

    assert train.main(["--data", str(tmp_path / "none")]) == 0
    assert "skipped" in capsys.readouterr().err


def test_importing_the_scorer_and_asking_if_it_is_available_loads_no_torch():
    import subprocess
    import sys

    code = ("import sys, toolkit.learnt as l; ok, detail = l.available(); "
            "print('torch' in sys.modules, 'transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_learnt_scores_are_kept_on_disk_across_runs(tmp_path):
    """A re-keyed feature cache must not redo the learnt model's inference: a second store reads what the first
    scored, and asks the model only for new pairs."""
    from training.stored_scores import StoredScores

    class Model:
        signature = "toy-model|v1"

        def __init__(self):
            self.asked = []

        def score(self, pairs):
            self.asked += pairs
            return [len(t) / (len(t) + len(r)) for t, r in pairs]

    first = Model()
    store = StoredScores(first, tmp_path / "scores.sqlite")
    scored = store.of_pairs([("a b", "a"), ("c", "c d")])
    assert scored[("a b", "a")] == round(3 / 4, 4) and len(first.asked) == 2
    second = Model()
    again = StoredScores(second, tmp_path / "scores.sqlite")
    assert again.of_pairs([("a b", "a"), ("c", "c d"), ("new", "pair")])[("a b", "a")] == round(3 / 4, 4)
    assert second.asked == [("new", "pair")]
    assert again.of_pairs([("c", "c d")]) == store.of_pairs([("c", "c d")])
    other = type("Other", (Model,), {"signature": "toy-model|v2"})()
    StoredScores(other, tmp_path / "scores.sqlite").of_pairs([("a b", "a")])
    assert other.asked == [("a b", "a")]  # another model's scores are never reused
