"""The learnt model of sentences run together (toolkit/damage/boundary.py) and its recipe
(training/train_boundary.py)."""
from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from toolkit import damage, english
from toolkit.damage import boundary
from training import train_boundary as recipe
from english_parser import needs_parser



@needs_parser
def test_candidates_are_capitals_after_a_word_with_only_space_between():
    doc = english.load()("Officials in Texas said, Governor Abbott (64) He left the US-Army and I stayed.")
    assert [t.text for t in boundary.candidates(doc)] == ["Texas", "Abbott", "He", "US", "I"]  # not Army


def test_a_sentence_context_leaves_out_its_own_words():
    words = boundary.Words(["The Mayor spoke.", "He met the Mayor and the mayor's staff.", "They left Rome."])
    assert words.context({1}) == boundary.Context(frozenset({"Mayor", "Rome"}), frozenset({"spoke", "left"}))
    assert words.context({0, 2}) == boundary.Context(frozenset({"Mayor"}),
                                                     frozenset({"met", "the", "mayor", "and", "s", "staff"}))


def test_the_logistic_fit_ranks_the_positive_class_first_and_the_threshold_keeps_the_clean_budget():
    from scipy.sparse import csr_matrix

    X = csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [1, 0, 1], [1, 0, 1], [1, 0, 1], [1, 1, 1]], dtype=float))
    y = np.array([1, 1, 0, 0, 0, 1], dtype=float)
    w = recipe.fit_logistic(X, y, C=1.0)
    assert recipe.average_precision(X @ w, y) == 1.0
    # 4 clean sentences (one scoring above the threshold) and 2 glued ones (one above)
    examples = [recipe.Example([], 0, k, True) for k in range(3)] + [recipe.Example([], 1, k, False)
                                                                      for k in (3, 4)]
    assert recipe.rates_at(examples, np.array([0.1, 0.5, 0.9, -1.0, 2.0]), 0.7, 4) == (0.5, 0.25)


def test_the_shipped_model_names_its_recipe_and_data():
    model = boundary.load()
    assert model is not None, "toolkit/damage/data/boundary.json is missing: run `make train-damage`"
    assert "recipe." in model.signature and "data." in model.signature
    assert 0.5 < model.threshold < 1 and model.weights and "i" in model.known


def test_a_missing_model_file_leaves_the_hand_rules_alone(tmp_path):
    assert boundary.load(str(tmp_path / "absent.json")) is None


@needs_parser
@pytest.mark.parametrize("text", [
    # a name and a product opening the glued sentence (injected into the damage benchmark's dev documents):
    # no hand rule sees these
    "It was made clear that the housing situation for the employees Heil said, that in 2017 a relatively strict "
    "law was put into place affecting the meat industry.",
    "There are support registers for command centers that can only program Motorola\u00ae users benefit from up "
    "to 28 speed levels and 255 addresses.",
])
def test_the_model_finds_run_together_sentences_the_rules_miss(text, monkeypatch):
    found = damage.check_texts([text]).by_sentence[0]
    assert [f.kind for f in found] == ["lost_text"]
    monkeypatch.setattr(boundary, "load", lambda path=None: None)
    assert damage.check_texts([text]).by_sentence[0] == []


def _tiny_data(root):
    """The three data sets of the recipe, a few documents each, in their shipped formats."""
    news = ["The council met on Monday in the town hall. It voted for the new budget after a long debate.",
            "Anna Berg, the mayor, said the plan was fair. The opposition wanted more money for schools.",
            "Heavy rain flooded the roads near Bremen. Police closed the bridge for several hours.",
            "The company reported higher sales this year. Its shares rose by five percent on Friday."]
    (root / "wmt23_generaltest_deen").mkdir(parents=True)
    header = ["line_id", "block_id", "source_de", *recipe.WMT23_TEXTS]
    rows = ["\t".join(header)] + ["\t".join([str(k), f"b{k % 2}", "x", *[text] * len(recipe.WMT23_TEXTS)])
                                  for k, text in enumerate(news)]
    with gzip.open(root / "wmt23_generaltest_deen" / "generaltest2023.de-en.systems.tsv.gz", "wt") as f:
        f.write("\n".join(rows) + "\n")
    (root / "wmt24_generaltest_ende").mkdir()
    with gzip.open(root / "wmt24_generaltest_ende" / "wmttest2024.en-de.systems.jsonl.gz", "wt") as f:
        for k, text in enumerate(news):
            f.write(json.dumps({"doc_id": f"d{k % 3}", "source_en": text}) + "\n")
    (root / "mqm_sxs_generalmt2023_ende").mkdir()
    with gzip.open(root / "mqm_sxs_generalmt2023_ende" / "sxs_mqm_generalMT2023_ende.jsonl.gz", "wt") as f:
        for k, text in enumerate(news):
            f.write(json.dumps({"doc": f"m{k % 2}", "docSegId": str(k), "source": text}) + "\n")


@needs_parser
def test_the_recipe_trains_a_model_the_check_can_load(tmp_path):
    _tiny_data(tmp_path / "data")
    out = tmp_path / "boundary.json"
    payload = recipe.train(tmp_path / "data", out, log=lambda *_: None)
    model = boundary.load(str(out))
    assert model.weights == payload["weights"] and model.weights
    assert f"data.{recipe.data_digest(tmp_path / 'data', recipe.DATA)[:12]}" in model.signature


def test_the_recipe_says_which_data_is_missing(tmp_path, capsys):
    assert recipe.main(["--data", str(tmp_path), "--out", str(tmp_path / "m.json")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "wmt23_generaltest_deen" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "m.json").exists()
