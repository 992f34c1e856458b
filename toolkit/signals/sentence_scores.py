"""sacrebleu's sentence-level chrF++, BLEU and TER of one text against one other, the same numbers as
`metric.sentence_score(text, [other]).score`, for less.

A bead's translation meets each of its renderings, and consensus.py scores every rendering against every other
(leave one out): sacrebleu's `sentence_score` extracts both sides' n-grams (or words) again at every call, and
its TER runs an edit distance in pure Python that is most of the overlap family's time. Here each text's n-grams
and words are extracted once (kept per text, LRU), the match statistics and the final score come from
sacrebleu's own methods on the metric objects of metrics(), and TER's edit distance is the same
dynamic programme as sacrebleu's BeamEditDistance (same band, same tie order, same trace, same cache) kept
in plain lists of costs, the operations worked out only along the trace and only when lib_ter's shift search asks
for it (once a round), and each candidate shift's distance computed over its moved block only (see
_BeamEditDistance): about 5x faster than sacrebleu's, with lib_ter's own shift search around it. tests/test_sentence_scores.py holds every score
and every trace equal to sacrebleu's, to the last bit.

These use sacrebleu's private methods and lib_ter's shift search (written against 2.4-2.6): should a release
move them, that test fails rather than a signal drifting silently.
"""

from __future__ import annotations

import functools
import math
import operator

_TEXTS = 65536  # texts whose n-grams are kept: a chunk's translations and renderings, many times over


@functools.lru_cache(maxsize=None)
def metrics():
    """sacrebleu's metric objects with the overlap family's settings (imported here, not at the CLI's start)."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    return {"chrf": CHRF(word_order=2), "bleu": BLEU(effective_order=True), "ter": TER()}


def signatures() -> dict[str, str]:
    for metric in metrics().values():  # sacrebleu knows its signature only once it has scored something
        metric.sentence_score("a", ["a"])
    return {name: str(metric.get_signature()) for name, metric in metrics().items()}


@functools.lru_cache(maxsize=_TEXTS)
def _chrf_ngrams(text: str) -> tuple[tuple[dict, int, dict], ...]:
    """Per n-gram order (characters, then words): the text's n-gram counts, their total, and the n-grams it has
    more than once with their counts."""
    metric = metrics()["chrf"]
    # the same extraction sacrebleu applies to a hypothesis and to a reference
    orders = metric._extract_reference_info([metric._preprocess_segment(text)])["ref_ngrams"][0]
    return tuple((counts, sum(counts.values()), {g: n for g, n in counts.items() if n > 1}) for counts in orders)


@functools.lru_cache(maxsize=262144)
def chrf(text: str, other: str) -> float:
    """chrF++ of text against other as the one reference (kept per pair: consensus.py asks for each rendering
    against every other, and for the translation against each, as overlap.py did)."""
    metric = metrics()["chrf"]
    stats = []
    for (ours, our_total, our_repeats), (theirs, their_total, their_repeats) in zip(
        _chrf_ngrams(text), _chrf_ngrams(other)
    ):
        # CHRF._get_match_statistics' counts (the hypothesis' n-grams, none without a reference n-gram; the
        # reference's; the matched: the smaller count of each shared n-gram), without its Python loop over every
        # n-gram: a shared n-gram counts 1, and more only where both sides have it more than once
        matched = len(ours.keys() & theirs.keys()) + sum(
            min(n, their_repeats[g]) - 1 for g, n in our_repeats.items() if g in their_repeats
        )
        stats += [our_total if theirs else 0, their_total, matched]
    return metric._compute_score_from_stats(stats).score


@functools.lru_cache(maxsize=_TEXTS)
def _bleu_ngrams(text: str):
    metric = metrics()["bleu"]
    info = metric._extract_reference_info([metric._preprocess_segment(text)])
    return info["ref_ngrams"], info["ref_lens"][0]


def bleu(text: str, other: str) -> float:
    """Sentence BLEU (the overlap family's settings: effective order) of text against other."""
    metric = metrics()["bleu"]
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
    metric = metrics()["ter"]
    text = metric._preprocess_segment(text)
    # sacrebleu tokenizes a reference twice (once when caching it, once when splitting it), a hypothesis once
    return (metric._preprocess_segment(text) if reference else text).split()


def ter(text: str, other: str) -> float:
    """TER of text (the hypothesis) against other (the reference)."""
    words, reference = _ter_words(text, False), _ter_words(other, True)
    edits, length = _edit_rate(words, reference)
    return metrics()["ter"]._compute_score_from_stats([edits, length / 1]).score  # /1: sacrebleu's average


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
    return shifts + cached(words)[0], len(words_ref)


class _Distance:
    """What _BeamEditDistance returns in place of lib_ter's (distance, trace) pair: it unpacks and indexes the
    same, but reads the trace back only when asked. lib_ter._shift asks for it once a shift round (to align the
    words) and for the distance alone of each of its candidate shifts, most of the calls."""

    __slots__ = ("distance", "_owner", "_words", "_rows")

    def __init__(self, distance: int, owner: "_BeamEditDistance", words: list[str], rows: list[list[int]]):
        self.distance, self._owner, self._words, self._rows = distance, owner, words, rows

    def __getitem__(self, k: int):
        return self.distance if k == 0 else tuple(self)[k]

    def __iter__(self):
        yield self.distance
        yield self._owner.trace(self._words, self._rows)


class _BeamEditDistance:
    """sacrebleu's lib_ter.BeamEditDistance (called by lib_ter._shift as cached_ed(words) -> (distance, trace)):
    the same band around the pseudo-diagonal, the same rule for each cell (the first of match or substitution,
    deletion, insertion whose cost is below what the cell holds, infinity at first; all costs 1), the same
    trace, and the same cache of rows by hypothesis prefix. Faster, for the same numbers, in three ways:
    - a row is a plain list of costs: each cell's operation follows from its neighbours' costs by that same
      rule, so it is worked out only for the cells on the trace, and only when the trace is asked for;
    - a shift round's candidates are its words (the ones whose trace was read) with a block moved: they share a
      prefix (the cache's rows) and a suffix with them. The distance is the least, over the cells of the row
      where that suffix starts, of the cost to reach the cell (the rows computed down to there) plus the cost
      from it to the end (one backward pass over the round's words, through the same band, for all candidates):
      every path through the band crosses that row. So a candidate costs the rows of its moved block only;
    - the trace, when asked for after such a shortcut, completes the rows first."""

    def __init__(self, words_ref: list[str]):
        from sacrebleu.metrics import lib_ter

        self._lib = lib_ter
        self._ref, self._n = words_ref, len(words_ref)
        self._initial = list(range(self._n + 1))  # inserting the reference
        self._cache: dict = {}  # word -> (the next words' dict, the row of costs after this word)
        self._size = 0
        self._base: list[str] | None = None  # the words whose trace was read last: the shift round's
        self._to_end: list[list[int]] | None = None  # from each cell the least cost to the end, for _base

    def _band(self, i: int, n_h: int) -> tuple[int, int]:
        """Row i's cells [low, high): lib_ter's band (the last row whole; the first, inserting the reference, too)."""
        lib, n_ref = self._lib, self._n
        if i == 0:
            return 0, n_ref + 1
        ratio = n_ref / n_h
        beam = math.ceil(ratio / 2 + lib._BEAM_WIDTH) if lib._BEAM_WIDTH < ratio / 2 else lib._BEAM_WIDTH
        diagonal = math.floor(i * ratio)
        return max(0, diagonal - beam), n_ref + 1 if i == n_h else min(n_ref + 1, diagonal + beam)

    def _forward(self, words_h: list[str], rows: list[list[int]], stop: int) -> None:
        """rows (those down to some row) extended down to rows[stop]: the least cost to reach each cell."""
        inf = self._lib._INT_INFINITY
        n_h, n_ref, ref = len(words_h), self._n, self._ref
        for i in range(len(rows), stop + 1):
            low, high = self._band(i, n_h)
            above, word = rows[i - 1], words_h[i - 1]
            costs = [inf] * (n_ref + 1)  # outside the band: infinity, as lib_ter's empty row
            if low == 0:
                costs[0] = above[0] + 1  # deleting the hypothesis' words so far
                low = 1
            if low < high:
                left, diagonal_cost = costs[low - 1], above[low - 1]
                band = []
                for other, up in zip(ref[low - 1 : high - 1], above[low:high]):
                    # the cheapest of match or substitution, deletion, insertion; a cost at or past infinity
                    # is infinity (lib_ter takes an operation only when it costs less than infinity)
                    best = diagonal_cost if word == other else diagonal_cost + 1
                    if best > inf:
                        best = inf
                    if up + 1 < best:
                        best = up + 1
                    if left + 1 < best:
                        best = left + 1
                    band.append(best)
                    left, diagonal_cost = best, up
                costs[low:high] = band
            rows.append(costs)

    def _backward(self, words_h: list[str]) -> list[list[int]]:
        """For each cell of the band, the least cost from it to the last cell, by the moves the forward rows
        make (a match or substitution, a deletion down, an insertion right), through the band's cells only."""
        inf = self._lib._INT_INFINITY
        n_h, n_ref, ref = len(words_h), self._n, self._ref
        to_end: list[list[int]] = [[]] * (n_h + 1)
        below: list[int] = []
        for i in range(n_h, -1, -1):
            low, high = self._band(i, n_h)
            costs = [inf] * (n_ref + 1)
            if i == n_h:
                costs[low:] = range(n_ref - low, -1, -1)  # the last row: inserting the rest of the reference
            else:
                word, right, j = words_h[i], inf, high - 1
                if j == n_ref:  # the last column: deletions only
                    right = costs[j] = min(below[j] + 1, inf)
                    j -= 1
                for j in range(j, low - 1, -1):  # noqa: B020 - the scan goes on from the column set above
                    best = below[j + 1] if word == ref[j] else below[j + 1] + 1
                    if best > inf:
                        best = inf
                    if below[j] + 1 < best:
                        best = below[j] + 1
                    if right + 1 < best:
                        best = right + 1
                    costs[j] = right = best
            to_end[i] = below = costs
        return to_end

    def __call__(self, words_h: list[str]) -> _Distance:
        node, rows = self._cache, [self._initial]
        for word in words_h:  # the rows of the longest prefix seen before
            if word not in node:
                break
            node, row = node[word]
            rows.append(row)
        start = len(rows) - 1
        n_h = stop = len(words_h)
        base = self._base
        if base is not None and len(base) == n_h:  # a candidate shift of the round's words: their common suffix
            while stop > start and words_h[stop - 1] == base[stop - 1]:
                stop -= 1
        self._forward(words_h, rows, stop)
        self._keep(words_h, start, rows)
        if stop == n_h:
            return _Distance(rows[-1][-1], self, words_h, rows)
        if self._to_end is None:
            assert base is not None  # kept by the first call, which always goes to the end
            self._to_end = self._backward(base)
        inf = self._lib._INT_INFINITY
        return _Distance(min(min(map(operator.add, rows[stop], self._to_end[stop])), inf), self, words_h, rows)

    def trace(self, words_h: list[str], rows: list[list[int]]) -> str:
        """lib_ter's trace: the operations read back from the last cell, each cell's the first of match or
        substitution, deletion, insertion that costs less than what came before it (infinity at first). The
        trace only passes cells of finite cost, all inside the band, where this rule is what lib_ter stored.
        The words become the round's (see the class' docstring)."""
        self._forward(words_h, rows, len(words_h))  # rows a shortcut left out
        if words_h is not self._base:
            self._base, self._to_end = words_h, None
        lib = self._lib
        inf, nop, sub, ins, dele = lib._INT_INFINITY, lib._OP_NOP, lib._OP_SUB, lib._OP_INS, lib._OP_DEL
        ref, trace = self._ref, []
        i, j = len(words_h), self._n
        while i > 0 or j > 0:
            if i == 0:
                op = ins  # the first row: the reference's words inserted
            elif j == 0:
                op = dele  # the first column: the hypothesis' words deleted
            else:
                above, diagonal = rows[i - 1], rows[i - 1][j - 1]
                if words_h[i - 1] == ref[j - 1]:
                    best, op = (diagonal, nop) if diagonal < inf else (inf, lib._OP_UNDEF)
                else:
                    best, op = (diagonal + 1, sub) if diagonal + 1 < inf else (inf, lib._OP_UNDEF)
                if above[j] + 1 < best:
                    best, op = above[j] + 1, dele
                if rows[i][j - 1] + 1 < best:
                    op = ins
            trace.append(op)
            if op == sub or op == nop:
                i, j = i - 1, j - 1
            elif op == ins:
                j -= 1
            elif op == dele:
                i -= 1
            else:
                raise ValueError(f"unknown edit operation {op!r}")
        return "".join(reversed(trace))

    def _keep(self, words_h: list[str], start: int, rows: list) -> None:
        if self._size >= self._lib._MAX_CACHE_SIZE:
            return
        node = self._cache
        for word in words_h[:start]:
            node = node[word][0]
        for word, row in zip(words_h[start:], rows[start + 1 :]):
            if word not in node:
                node[word] = ({}, row)
                self._size += 1
            node = node[word][0]
