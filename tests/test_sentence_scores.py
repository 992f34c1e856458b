"""toolkit/signals/sentence_scores.py gives sacrebleu's own sentence scores, bit for bit: the overlap and
consensus signals were fitted on them. Checked on hand-written sentences that exercise TER's shifts, empty and
one-word sides, punctuation and case, and on real WMT21 system outputs where ../shared/data has them."""
import csv
import gzip
import itertools
import os
from pathlib import Path

import pytest

from toolkit.signals import sentence_scores
from toolkit.signals.sentence_scores import metrics

SENTENCES = [
    "The minister said on Tuesday that the government would review the plan.",
    "On Tuesday the minister said the government would review the plan.",
    "The government would review the plan, the minister said on Tuesday.",
    "the minister said on tuesday that the government would NOT review the plan .",
    "Review the plan the government would, said the minister on Tuesday!",
    "Lukashenko met Putin in Sochi (Russia) on 3 March 2021.",
    "Putin met Lukashenko in Sochi, Russia, on March 3, 2021.",
    "Prices rose by 3.5 percent in October, the highest rate since 1993.",
    "In October prices rose 3.5 %, the highest since 1993, the office said.",
    "No.",
    "Why?",
    "",
    "a a a a a a a a a a b b b b b b b b c",
    "b b b b b b b b a a a a a a a a a a c",
    " ".join(f"word{k}" for k in range(70)),
    " ".join(f"word{k}" for k in reversed(range(70))),
    "Short one.",
]


def _sacrebleu(name: str, text: str, other: str) -> float:
    return metrics()[name].sentence_score(text, [other]).score


OURS = {"chrf": sentence_scores.chrf, "bleu": sentence_scores.bleu, "ter": sentence_scores.ter}


@pytest.mark.parametrize("name", sorted(OURS))
def test_every_pair_of_hand_written_sentences_scores_as_sacrebleu(name):
    for text, other in itertools.product(SENTENCES, repeat=2):
        assert OURS[name](text, other) == _sacrebleu(name, text, other), (name, text, other)


WMT21 = Path(os.environ.get("EVAL_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data") / \
    "wmt21_newstest_deen" / "newstest2021.de-en.systems.tsv.gz"


@pytest.mark.skipif(not WMT21.exists(), reason=f"no {WMT21} (the shared data)")
def test_real_system_outputs_score_as_sacrebleu():
    with gzip.open(WMT21, "rt", encoding="utf-8") as handle:
        rows = list(itertools.islice(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE), 120, 160))
    for row in rows:
        outputs = [v for k, v in sorted(row.items()) if k.startswith("wmt21_") and (v or "").strip()][:4]
        for text, other in itertools.permutations(outputs, 2):
            for name, ours in OURS.items():
                assert ours(text, other) == _sacrebleu(name, text, other), (name, text, other)


def _pairs() -> list[tuple[str, str]]:
    """15 of the hand-written sentences' pairs, every sentence as hypothesis and as reference (every 12th of the
    13 x 13: all of them took minutes for the same coverage)."""
    return list(itertools.product(SENTENCES[:9] + SENTENCES[12:16], repeat=2))[::12]


def _shifted(words: list[str]) -> list[list[str]]:
    """words and some block moves of them, as lib_ter's shift search tries (same length, shared prefixes)."""
    found = [words]
    for start in range(0, len(words), 3):
        for length in (1, 2, 3):
            for target in range(0, len(words) - length + 1, 2):
                block = words[start:start + length]
                rest = words[:start] + words[start + length:]
                found.append(rest[:target] + block + rest[target:])
    return found


def _edit_distances():
    """(words, reference, ours, theirs) for every pair with words on both sides: our beam edit distance and
    lib_ter's, each over the reference."""
    from sacrebleu.metrics import lib_ter

    for text, other in _pairs():
        words, reference = text.split(), other.split()
        if words and reference:
            yield words, reference, sentence_scores._BeamEditDistance(reference), lib_ter.BeamEditDistance(reference)


def test_edit_distance_and_trace_are_lib_ters_also_after_cached_prefixes():
    # the trace is worked out from the costs, after the fact, and only on demand: it must be the one lib_ter
    # stores cell by cell, for a first call and for calls that start from cached rows alike
    for words, reference, ours, theirs in _edit_distances():
        for hypothesis in _shifted(words):
            got, expected = ours(hypothesis), theirs(hypothesis)
            assert got[0] == expected[0], (hypothesis, reference)  # the distance alone, as a candidate
            assert tuple(got) == expected, (hypothesis, reference)  # unpacked: distance and trace


def test_candidate_distances_from_the_rounds_suffix_costs_are_lib_ters():
    # as lib_ter._shift calls it: the round's words with their trace read, then only the distance of each
    # candidate shift (computed down to where its suffix joins the round's words, then the cost to the end)
    for words, reference, ours, theirs in _edit_distances():
        for base in _shifted(words)[:3]:
            assert tuple(ours(base)) == theirs(base)
            for candidate in _shifted(base)[::3]:
                assert ours(candidate)[0] == theirs(candidate)[0], (base, candidate, reference)
