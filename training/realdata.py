"""Real translations, judged as a user's would be, for calibrating the flag and for the evaluation tables.

- `wmt23_sxs_mqm_zhen`: each system's English output is the translation, the other nine systems' outputs are
  its renderings. Label 1: a Major Accuracy error marked by at least 2 of its 3 raters; label 0: no rater
  marked one (error-free for our purpose); outputs marked by one rater only are left out (neither).
- `wmt22_generaltest_deen`: each system's output against the other systems and both references; all are
  label 0 when its crowd DA z-score is in the top half of all scored outputs (correct translations by the
  crowd's judgement). One line in SAMPLE_EVERY is used, to keep the cost of the signals reasonable.

The split is the learnt model's (training/sources.py: by document for MQM, by contiguous 50-line
block for WMT22, seeded): the flag is calibrated on the `dev` side, never trained on, and the tables report
the `test` side.
"""
from __future__ import annotations

import statistics
from dataclasses import replace
from pathlib import Path

from toolkit.languages import Language
from toolkit.signals import BeadTexts
from .benchdata import Example
from .sources import DataMissing, Segment, _folder, read_mqm, read_wmt, split_segments

DA_FILE = "ad-seg-scores-de-en.csv"
SAMPLE_EVERY = 4  # WMT22 lines: 1 in 4 (each with 9 systems, each judged against 10 renderings)
ENGLISH = Language.parse("en")


def _mqm_examples(segments: list[Segment]) -> list[Example]:
    examples = []
    for segment in segments:
        for system, text in sorted(segment.translations.items()):
            marked = segment.major_accuracy.get(system, 0)
            if marked == 1:
                continue  # one rater of three: neither an error nor error-free
            others = {name: t for name, t in sorted(segment.translations.items()) if name != system}
            if not others:
                continue
            bead = BeadTexts(text, others, "", {}, ENGLISH, Language.parse("zh"))
            examples.append(Example(bead, int(marked >= 2), segment.group, segment.key, system,
                                    "major" if marked >= 2 else "none"))
    return examples


def _da_top_half(data_dir: Path) -> set[tuple[str, str]]:
    """(column name, 1-based line) of the outputs whose crowd DA z-score is in the top half."""
    rows = []
    with open(_folder(data_dir, "wmt22_generaltest_deen") / DA_FILE, encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            parts = line.split()
            if len(parts) >= 4 and parts[0] != "HUMAN-B":
                system = parts[0].rsplit(".", 1)[0]  # "Online-Y.3": the file's name and run number
                rows.append((f"wmt22_{system}", parts[1], float(parts[3])))
    median = statistics.median(z for _, _, z in rows)
    return {(column, line) for column, line, z in rows if z >= median}


def _wmt22_examples(segments: list[Segment], good: set[tuple[str, str]]) -> list[Example]:
    examples = []
    for segment in segments:
        if (int(segment.key) - 1) % SAMPLE_EVERY:
            continue
        for name, text in sorted(segment.translations.items()):
            if name.startswith("ref_") or (name, segment.key) not in good:
                continue
            others = {other: t for other, t in sorted(segment.translations.items()) if other != name}
            bead = BeadTexts(text, others, segment.source, {}, ENGLISH, Language.parse("de"))
            examples.append(Example(bead, 0, segment.group, segment.key, name, "none"))
    return examples


def mqm_zhen(data_dir: Path, side: str) -> list[Example]:
    """The MQM zh-en examples of one side of the split ("dev" or "test")."""
    return _mqm_examples(split_segments(read_mqm(data_dir))[side])


def wmt22_good(data_dir: Path, side: str) -> list[Example]:
    """WMT22 de-en outputs the crowd rated in the top half, of one side of the split."""
    segments = split_segments(read_wmt(data_dir, "wmt22_generaltest_deen"))[side]
    return _wmt22_examples(segments, _da_top_half(Path(data_dir)))


def one_rendering(examples: list[Example]) -> list[Example]:
    """The same translations judged against one rendering (a reference where there is one, else the first
    other system), as a run with a single engine judges them."""
    out = []
    for e in examples:
        name = "ref_A_en" if "ref_A_en" in e.bead.renderings else next(iter(e.bead.renderings))
        out.append(replace(e, bead=replace(e.bead, renderings={name: e.bead.renderings[name]})))
    return out


SETS = {"mqm_zhen": mqm_zhen, "wmt22_good": wmt22_good}

__all__ = ["DataMissing", "SETS", "mqm_zhen", "one_rendering", "wmt22_good"]
