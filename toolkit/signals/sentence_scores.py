"""sacrebleu's sentence-level chrF++, BLEU and TER of one text against one other, the same numbers as
`metric.sentence_score(text, [other]).score`, for less.

A bead's translation meets each of its renderings, and consensus.py scores every rendering against every other
(leave one out): sacrebleu's `sentence_score` extracts both sides' n-grams (or words) again at every call, and
its TER runs an edit distance in pure Python that is most of the overlap family's time. Here each text's n-grams
and words are extracted once (kept per text, LRU), the match statistics and the final score come from
sacrebleu's own methods on the metric objects of overlap.metrics(), and TER's edit distance is the same
dynamic programme as sacrebleu's BeamEditDistance (same band, same tie order, same trace, same cache) kept
in plain lists of costs rather than (cost, operation) tuples: about 2x faster, and lib_ter's own shift search
around it. tests/test_sentence_scores.py holds every score equal to sacrebleu's, to the last bit.

These use sacrebleu's private methods and lib_ter's shift search (written against 2.4-2.6): should a release
move them, that test fails rather than a signal drifting silently.
"""
from __future__ import annotations

import functools
import math

_TEXTS = 65536  # texts whose n-grams are kept: a chunk's translations and renderings, many times over


def _metrics():
    from .overlap import metrics  # overlap imports this module: the metric objects are its

    return metrics()


@functools.lru_cache(maxsize=_TEXTS)
def _chrf_ngrams(text: str) -> tuple:
    metric = _metrics()["chrf"]
    # the same extraction sacrebleu applies to a hypothesis and to a reference
    return tuple(metric._extract_reference_info([metric._preprocess_segment(text)])["ref_ngrams"][0])


@functools.lru_cache(maxsize=262144)
def chrf(text: str, other: str) -> float:
    """chrF++ of text against other as the one reference (kept per pair: consensus.py asks for each rendering
    against every other, and for the translation against each, as overlap.py did)."""
    metric = _metrics()["chrf"]
    stats = []
    for ours, theirs in zip(_chrf_ngrams(text), _chrf_ngrams(other)):
        stats.extend(metric._get_match_statistics(ours, theirs))
    return metric._compute_score_from_stats(stats).score


@functools.lru_cache(maxsize=_TEXTS)
def _bleu_ngrams(text: str):
    metric = _metrics()["bleu"]
    info = metric._extract_reference_info([metric._preprocess_segment(text)])
    return info["ref_ngrams"], info["ref_lens"][0]


def bleu(text: str, other: str) -> float:
    """Sentence BLEU (the overlap family's settings: effective order) of text against other."""
    metric = _metrics()["bleu"]
    ours, length = _bleu_ngrams(text)
    theirs, other_length = _bleu_ngrams(other)
    order = metric.max_ngram_order
    correct, total = [0] * order, [0] * order
    for ngram, count in ours.items():  # as BLEU._compute_segment_statistics
        n = len(ngram) - 1
        total[n] += count
        if ngram in theirs:
            correct[n] += min(count, theirs[ngram])
    return metric._compute_score_from_stats([length, other_length] + correct + total).score


@functools.lru_cache(maxsize=_TEXTS)
def _ter_words(text: str, reference: bool) -> list[str]:
    metric = _metrics()["ter"]
    text = metric._preprocess_segment(text)
    # sacrebleu tokenizes a reference twice (once when caching it, once when splitting it), a hypothesis once
    return (metric._preprocess_segment(text) if reference else text).split()


def ter(text: str, other: str) -> float:
    """TER of text (the hypothesis) against other (the reference)."""
    words, reference = _ter_words(text, False), _ter_words(other, True)
    edits, length = _edit_rate(words, reference)
    return _metrics()["ter"]._compute_score_from_stats([edits, length / 1]).score  # /1: sacrebleu's average


def _edit_rate(words_hyp: list[str], words_ref: list[str]) -> tuple[int, int]:
    """lib_ter.translation_edit_rate with the faster edit distance below."""
    from sacrebleu.metrics import lib_ter  # here, not at the top: the CLI's start must not import sacrebleu

    if not words_ref:
        return len(words_hyp), 0
    cached = _BeamEditDistance(words_ref)
    shifts, words, checked = 0, words_hyp, 0
    while True:  # shifts until they stop reducing the edit distance
        delta, shifted, checked = lib_ter._shift(words, words_ref, cached, checked)
        if checked >= lib_ter._MAX_SHIFT_CANDIDATES or delta <= 0:
            break
        shifts += 1
        words = shifted
    distance, _ = cached(words)
    return shifts + distance, len(words_ref)


class _BeamEditDistance:
    """sacrebleu's lib_ter.BeamEditDistance (called by lib_ter._shift as cached_ed(words) -> (distance, trace)):
    the same band around the pseudo-diagonal, the same rule for each cell (the first of match or substitution,
    deletion, insertion whose cost is below what the cell holds, infinity at first; all costs 1), the same
    trace, and the same cache of rows by hypothesis prefix. A row is kept as a list of costs and a list of
    operations rather than a list of (cost, operation) tuples, and the band is filled in one pass."""

    def __init__(self, words_ref: list[str]):
        from sacrebleu.metrics import lib_ter

        self._lib = lib_ter
        self._ref, self._n = words_ref, len(words_ref)
        self._initial = (list(range(self._n + 1)), [lib_ter._OP_INS] * (self._n + 1))  # inserting the reference
        self._cache: dict = {}  # word -> (the next words' dict, the row after this word)
        self._size = 0

    def __call__(self, words_h: list[str]) -> tuple[int, str]:
        node, rows = self._cache, [self._initial]
        for word in words_h:  # the rows of the longest prefix seen before
            if word not in node:
                break
            node, row = node[word]
            rows.append(row)
        start = len(rows) - 1
        lib = self._lib
        inf, nop, sub, ins, dele, undef = (lib._INT_INFINITY, lib._OP_NOP, lib._OP_SUB, lib._OP_INS,
                                           lib._OP_DEL, lib._OP_UNDEF)
        n_h, n_ref, ref = len(words_h), self._n, self._ref
        ratio = n_ref / n_h if words_h else 1
        beam = math.ceil(ratio / 2 + lib._BEAM_WIDTH) if lib._BEAM_WIDTH < ratio / 2 else lib._BEAM_WIDTH
        for i in range(start + 1, n_h + 1):
            diagonal = math.floor(i * ratio)
            low = max(0, diagonal - beam)
            high = n_ref + 1 if i == n_h else min(n_ref + 1, diagonal + beam)
            above, word = rows[i - 1][0], words_h[i - 1]
            costs, ops = [inf] * (n_ref + 1), [undef] * (n_ref + 1)
            if low == 0:
                costs[0], ops[0] = above[0] + 1, dele
                low = 1
            if low < high:
                left, diagonal_cost = costs[low - 1], above[low - 1]
                band_costs, band_ops = [], []
                for other, up in zip(ref[low - 1:high - 1], above[low:high]):
                    if word == other:
                        best, op = (diagonal_cost, nop) if diagonal_cost < inf else (inf, undef)
                    else:
                        best, op = (diagonal_cost + 1, sub) if diagonal_cost + 1 < inf else (inf, undef)
                    if up + 1 < best:
                        best, op = up + 1, dele
                    if left + 1 < best:
                        best, op = left + 1, ins
                    band_costs.append(best)
                    band_ops.append(op)
                    left, diagonal_cost = best, up
                costs[low:high], ops[low:high] = band_costs, band_ops
            rows.append((costs, ops))
        trace = []  # read back from the last cell, as lib_ter does
        i, j = n_h, n_ref
        while i > 0 or j > 0:
            op = rows[i][1][j]
            trace.append(op)
            if op == sub or op == nop:
                i, j = i - 1, j - 1
            elif op == ins:
                j -= 1
            elif op == dele:
                i -= 1
            else:
                raise ValueError(f"unknown edit operation {op!r}")
        self._keep(words_h, start, rows)
        return rows[-1][0][-1], "".join(reversed(trace))

    def _keep(self, words_h: list[str], start: int, rows: list) -> None:
        if self._size >= self._lib._MAX_CACHE_SIZE:
            return
        node = self._cache
        for word in words_h[:start]:
            node = node[word][0]
        for word, row in zip(words_h[start:], rows[start + 1:]):
            if word not in node:
                node[word] = ({}, row)
                self._size += 1
            node = node[word][0]
