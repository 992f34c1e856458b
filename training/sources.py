"""Readers for the real translations in ../shared/data that the learnt divergence model is trained on.

Each reader returns `Segment`s: one source segment with every English translation of it that the data holds
(references and systems, keyed by name), the group it is split by (a document, or a contiguous block where the
data has no document ids) and, for the expert-rated set, how many raters marked a Major accuracy error in
each translation. A missing folder raises `DataMissing` with the path, so callers can skip and say why.

What is read, and why:
- `wmt23_sxs_mqm_zhen`: real expert-marked errors in English (Chinese original), 10 systems a segment;
  grouped by `doc`.
- `wmt21_newstest_deen` (2 refs + 19 systems), `wmt22_generaltest_deen` (2 refs + 9 systems),
  `wmt23_generaltest_deen` (1 ref + 13 systems): independent English translations of one German source.
  WMT21 and WMT23 are grouped by their `block_id` (contiguous blocks cut at headline-like lines, the nearest
  thing to a document these files have); WMT22 has no document ids at all, so its 1,984 lines are cut into
  contiguous blocks of 50 lines (`BLOCK_LINES`), which keeps neighbouring sentences of one article together
  on one side of the split.
- Every WMT21 line that DEMETR uses (`demetr_de`, both of its files) is left out: DEMETR is the check the
  model is never trained on.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

# ../shared/data beside the project, found from this file rather than from the working directory, so that
# training, calibration and the benchmarks read the same folder wherever they are started
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
BLOCK_LINES = 50  # WMT22's contiguous blocks (no document ids in that set)
MQM = "wmt23_sxs_mqm_zhen"
WMT = ("wmt21_newstest_deen", "wmt22_generaltest_deen", "wmt23_generaltest_deen")
DEMETR = "demetr_de"


class DataMissing(FileNotFoundError):
    """A data folder the caller asked for is not there; the message names it."""


@dataclass
class Segment:
    dataset: str
    group: str              # the unit of the train/dev/test split: a document or a contiguous block
    key: str                # the segment's id within its dataset
    source: str
    translations: dict[str, str]            # name (system or reference) -> English text
    major_accuracy: dict[str, int] = field(default_factory=dict)  # name -> raters marking a Major accuracy error
    raters: dict[str, int] = field(default_factory=dict)          # name -> raters who rated it


def _folder(data_dir: Path | str, name: str) -> Path:
    folder = Path(data_dir) / name
    if not folder.is_dir():
        raise DataMissing(f"{folder} is missing (the shared data; pass --data or set EVAL_DATA)")
    return folder


def _tsv(path: Path) -> Iterator[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)


def is_major_accuracy(error: Mapping) -> bool:
    """The MQM errors that count as a meaning change: Major Accuracy/* and Non-translation!."""
    category = str(error.get("category") or "")
    return error.get("severity") == "Major" and (category.startswith("Accuracy/") or category == "Non-translation!")


def read_mqm(data_dir: Path | str = DEFAULT_DATA) -> list[Segment]:
    path = _folder(data_dir, MQM) / "sxs_mqm_generalMT2023_zhen.jsonl.gz"
    segments: dict[tuple[str, str], Segment] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            key = (row["doc"], row["docSegId"])
            segment = segments.get(key)
            if segment is None:
                segment = segments[key] = Segment(MQM, row["doc"], f"{row['doc']}#{row['docSegId']}", row["source"], {})
            system = row["system"]
            segment.translations[system] = row["target"]
            segment.raters[system] = segment.raters.get(system, 0) + 1
            flagged = any(is_major_accuracy(error) for error in row["errors"])
            segment.major_accuracy[system] = segment.major_accuracy.get(system, 0) + int(flagged)
    return [segments[key] for key in sorted(segments, key=lambda k: (k[0], int(k[1]) if k[1].isdigit() else k[1]))]


def demetr_wmt21_lines(data_dir: Path | str = DEFAULT_DATA) -> set[int]:
    """The 0-based newstest2021 de-en lines that DEMETR's items come from (never trained on)."""
    folder = _folder(data_dir, DEMETR)
    lines: set[int] = set()
    for name in ("demetr_de.sentences.tsv", "demetr_de.joined.tsv.gz"):
        if (folder / name).exists():
            for row in _tsv(folder / name):
                if row.get("origin_testset", "").startswith("newstest2021"):
                    lines.add(int(row["origin_line"]))
    return lines


def _translations(row: Mapping[str, str], prefix: str) -> dict[str, str]:
    out = {}
    for column, text in row.items():
        if column.startswith("ref_") or column.startswith(prefix):
            text = (text or "").strip()
            if text:
                out[column] = text
    return out


def read_wmt(data_dir: Path | str = DEFAULT_DATA, name: str = "wmt21_newstest_deen",
             exclude_lines: Iterable[int] = ()) -> list[Segment]:
    folder = _folder(data_dir, name)
    excluded = set(exclude_lines)
    segments = []
    if name == "wmt21_newstest_deen":
        for row in _tsv(folder / "newstest2021.de-en.systems.tsv.gz"):
            if int(row["line_id"]) in excluded:
                continue
            segments.append(Segment(name, row["block_id"], row["line_id"], row["source_de"], _translations(row, "wmt21_")))
    elif name == "wmt22_generaltest_deen":
        for row in _tsv(folder / "generaltest2022.de-en.systems.tsv.gz"):
            line = int(row["line"])
            group = f"gt22deen_block{(line - 1) // BLOCK_LINES:02d}"
            segments.append(Segment(name, group, row["line"], row["source_de"], _translations(row, "wmt22_")))
    elif name == "wmt23_generaltest_deen":
        for row in _tsv(folder / "generaltest2023.de-en.systems.tsv.gz"):
            segments.append(Segment(name, row["block_id"], row["line_id"], row["source_de"], _translations(row, "wmt23_")))
    else:
        raise ValueError(f"no reader for {name}")
    return segments


def read_all_wmt(data_dir: Path | str = DEFAULT_DATA) -> list[Segment]:
    """WMT21/22/23 de-en; WMT21 without DEMETR's lines (DEMETR must be there to know which they are)."""
    excluded = demetr_wmt21_lines(data_dir)
    segments = []
    for name in WMT:
        segments.extend(read_wmt(data_dir, name, excluded if name.startswith("wmt21") else ()))
    return segments


def assign_splits(groups: Iterable[str], seed: int = 13, test: float = 0.25, dev: float = 0.10) -> dict[str, str]:
    """Each group to "train", "dev" or "test": groups sorted by a seeded hash, the first `test` share is test,
    the next `dev` share dev. Whole groups move, so no document (or block) is on two sides."""
    unique = sorted(set(groups))
    ranked = sorted(unique, key=lambda g: hashlib.sha256(f"{seed}:{g}".encode()).hexdigest())
    n_test = round(len(ranked) * test)
    n_dev = round(len(ranked) * dev)
    out = {}
    for i, group in enumerate(ranked):
        out[group] = "test" if i < n_test else "dev" if i < n_test + n_dev else "train"
    return out


def split_segments(segments: Sequence[Segment], seed: int = 13, **shares) -> dict[str, list[Segment]]:
    """Split per dataset (each dataset's groups are ranked on their own, so each has its share on each side)."""
    out: dict[str, list[Segment]] = {"train": [], "dev": [], "test": []}
    datasets = sorted({s.dataset for s in segments})
    for dataset in datasets:
        mine = [s for s in segments if s.dataset == dataset]
        sides = assign_splits((s.group for s in mine), seed, **shares)
        for segment in mine:
            out[sides[segment.group]].append(segment)
    return out


def data_digest(data_dir: Path | str, names: Iterable[str]) -> str:
    """sha256 over the data files read (name + bytes), so the artifact says which data it was trained on."""
    digest = hashlib.sha256()
    for name in sorted(names):
        folder = Path(data_dir) / name
        for path in sorted(folder.glob("*")):
            if path.is_file() and path.name != "README.md":
                digest.update(f"{name}/{path.name}\n".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
