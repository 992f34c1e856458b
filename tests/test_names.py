"""Names are what an NER model says they are, never a capitalised common word or a sentence's first word."""
from __future__ import annotations

import collections
from pathlib import Path

import pytest

from toolkit import english
from toolkit.resources import Unavailable
from toolkit.segment import segment_text, split_sentences
from toolkit.signals.entities import entity_signals, names, prepare_names
from toolkit.signals.text import tokens

try:
    english.load()
except Unavailable as why:  # declared in pyproject.toml, so `make install` has it; say so if not
    pytest.skip(f"spaCy's English model is unavailable: {why}", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpora" / "belarus-army" / "translation.en.txt"
DATA = ROOT.parent / "shared" / "data"
# every real name in the seed article, read by hand
SEED_NAMES = set("""Putin Putin's Lukashenko Sochi Minsk Moscow Poland Belarus Ukraine Arkadiusz Mularczyk Bild Suwalki
    Baltic States Russian Kaliningrad Wagner Yevgeny Prigozhin's Belarusian Nato Pavel Latushka Russia Alexander
    Baranovichi Grodno Zyabrovka Vladimir Kiev Ukrainians Russians Kremlin Belarusians Europe IPPEN MEDIA""".split())


@pytest.mark.parametrize("sentence, expected", [
    ("Furthermore, according to his information, Russia has hardly any troops.", ["Russia"]),
    ("Besides, the army is not ready.", []),
    ("However, Putin disagreed.", ["Putin"]),
    ("Rents rose sharply in Berlin.", ["Berlin"]),
    ("Log in to read more.", []),
    ("Dreads are back in fashion.", []),
    ("The Mayor said the city was ready.", []),
    ("Moreover, the Mayor of Kiev spoke.", ["Kiev"]),
])
def test_discourse_adverbs_and_capitalised_common_nouns_are_no_names(sentence, expected):
    assert [t.text for t in names(sentence)] == expected


def test_the_issue_sentence_gets_no_name_reasons_for_furthermore_or_besides():
    translation = ("This is what Belarusian opposition politician Pavel Latushka told IPPEN.MEDIA's Furthermore, "
                   "according to his information, Russia has hardly any troops stationed in the country.")
    renderings = {"es": "This is what Belarusian opposition politician Pavel Latushka said IPPEN.MEDIA's Besides, "
                        "according to his information, Russia has hardly any troops stationed in the country.",
                  "ca": "This is what the Belarusian opposition politician Pavel Latushka said IPPEN.MEDIA's "
                        "Besides, according to his information, Russia has hardly any troops stationed in the country."}
    values, reasons = entity_signals(translation, renderings)
    assert values == {"entities_unsupported": 0.0, "entities_missing": 0.0}, reasons


def test_a_mangled_name_in_a_round_trip_is_no_missing_name():
    values, _ = entity_signals("Is Putin's bluff exposed?", {"a": "It is the bluff of Putinha exposed?",
                                                             "b": "Is the bluff of Putinha exposed?"})
    assert values["entities_missing"] == 0.0


def test_without_ner_the_capitalisation_rule_stands_for_other_languages():
    assert [t.text for t in names("Gestern traf Merkel den Bürgermeister.", "de")] == ["Merkel", "Bürgermeister"]


def test_every_name_found_in_the_seed_is_a_real_name():
    document = segment_text(SEED.read_text(encoding="utf-8"), "en")
    found = {t.text for sentence in document.sentences for t in names(sentence)}
    assert found and found <= SEED_NAMES, found - SEED_NAMES


def test_no_sentence_initial_common_word_is_a_name_in_news():
    """On the WMT news references: a sentence's first word reported as a name is never a word the same
    references write in lower case (a common word), unless it opens a name of several words (New York)."""
    path = DATA / "wmt21_newstest_deen"
    if not path.is_dir():
        pytest.skip(f"{path} is not there (shared data)")
    from training.sources import read_wmt

    references = [s.translations["ref_A_en"] for s in read_wmt(DATA, "wmt21_newstest_deen")
                  if s.translations.get("ref_A_en")]
    lower = collections.Counter(t.key for r in references for t in tokens(r) if t.text.islower())
    known = prepare_names(references)
    wrong = []
    for reference in references:
        found = names(reference, known=known)
        starts = {start for start, _ in split_sentences(reference, "en")}
        for k, word in enumerate(found):
            follows = k + 1 < len(found) and not reference[word.end:found[k + 1].start].strip(". ")
            if word.start in starts and lower[word.key] >= 2 and not follows:
                wrong.append((word.text, reference))
    assert not wrong, wrong[:5]


def _seed_and_wmt21_texts() -> list[str]:
    """The seed article's sentences and, where the shared data is there, 40 WMT21 lines' translations."""
    texts = segment_text(SEED.read_text(encoding="utf-8"), "en").sentences
    path = DATA / "wmt21_newstest_deen"
    if path.is_dir():
        from training.sources import read_wmt

        texts += [t for s in read_wmt(DATA, "wmt21_newstest_deen")[:40] for t in s.translations.values() if t]
    return list(dict.fromkeys(t for t in texts if t.strip()))



def test_names_are_the_same_without_the_attribute_ruler(monkeypatch):
    """entities.py leaves the attribute ruler out (speed): every text's name spans, and the opening names its
    second look rejects, are those the pipeline gives with it, on the seed article and on WMT21 system outputs
    where the shared data is there."""
    from toolkit.signals import entities

    texts = _seed_and_wmt21_texts()
    nlp = english.load()

    def spans(unused):
        monkeypatch.setattr(entities, "_UNUSED", unused)
        return entities._spans_of(nlp, list(nlp.pipe(texts, batch_size=256, disable=unused)))

    assert "attribute_ruler" in entities._UNUSED
    without = spans(entities._UNUSED)
    assert any(found for found, _ in without)
    assert without == spans(["parser", "lemmatizer"])


def test_names_are_the_same_with_the_tagger_run_only_where_the_ner_found_a_name(monkeypatch):
    """entities._docs runs the NER alone over every text and the tagger only over the texts with a name entity,
    and the second look is the NER's alone (speed): every text's name spans, and the rejected opening names, are
    those of one pass of tok2vec, tagger and NER over every text, on the seed article and WMT21 system outputs."""
    from toolkit.signals import entities

    texts = _seed_and_wmt21_texts()
    nlp = english.load()
    assert entities._ner_alone(nlp) == ["tok2vec", "tagger"]  # en_core_web_sm's NER has its own tok2vec
    docs = entities._docs(nlp, texts)
    assert not any(doc.has_annotation("TAG") for doc in docs if not any(
        e.label_ in entities.NAME_LABELS for e in doc.ents))  # the texts without a name were not tagged
    split = entities._spans_of(nlp, docs)
    monkeypatch.setattr(entities, "_ner_alone", lambda nlp: [])
    one_pass = entities._spans_of(nlp, list(nlp.pipe(texts, batch_size=256, disable=entities._UNUSED)))
    assert any(found for found, _ in split) and any(rejected for _, rejected in split)
    assert split == one_pass
