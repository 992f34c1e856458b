"""A batch's input: a JSONL file, Parquet (a file or a folder of them) or a Hugging Face dataset saved to disk,
holding either pairs (as `toolkit score` takes them) or whole documents.

Everything is read and checked here, in the driver, before Ray starts: a missing file, an unknown format,
missing columns or a bad record stop the job with one line naming the place, and no worker ever sees a record
that would fail. Each record is kept as its JSON text (small, and what crosses to the workers).

The kind is told by the columns: a `renderings` column means pairs; otherwise documents, which need a
`translation` (the whole text, one paragraph a line) and a language (`lang`, or the batch's default).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from ..errors import ToolkitError
from ..languages import Language

PAIRS = "pairs"
DOCUMENTS = "documents"
FORMATS = ("jsonl", "parquet", "hf")
_JSONL_SUFFIXES = {".jsonl", ".json", ".ndjson"}


@dataclass(frozen=True)
class Corpus:
    """The checked input: every record as JSON text, in input order (a record's index is its `row`)."""

    path: Path
    format: str  # one of FORMATS
    kind: str  # PAIRS or DOCUMENTS
    records: list[str]
    digest: str  # sha256 of the input's bytes (and the split), so a resumed job knows it reads the same input

    def describe(self) -> dict:
        return {
            "path": str(self.path),
            "format": self.format,
            "kind": self.kind,
            "rows": len(self.records),
            "sha256": self.digest,
        }


@dataclass(frozen=True)
class DocumentDefaults:
    """Languages for document records that do not name their own."""

    lang: Optional[Language] = None
    original_lang: Optional[Language] = None


def detect_format(path: Path) -> str:
    if not path.exists():
        raise ToolkitError(f"input {path} does not exist: check the path")
    if path.is_dir():
        if (
            (path / "dataset_info.json").exists()
            or (path / "state.json").exists()
            or (path / "dataset_dict.json").exists()
        ):
            return "hf"
        if any(path.glob("*.parquet")):
            return "parquet"
        raise ToolkitError(
            f"input {path} is a folder with neither a saved Hugging Face dataset (state.json, "
            "from save_to_disk) nor .parquet files: give a .jsonl or .parquet file or such a folder"
        )
    if path.suffix.lower() in _JSONL_SUFFIXES:
        return "jsonl"
    if path.suffix.lower() == ".parquet":
        return "parquet"
    raise ToolkitError(
        f"input {path}: unknown format {path.suffix or '(no suffix)'}: give a .jsonl file, a "
        ".parquet file (or a folder of them) or a Hugging Face dataset saved with save_to_disk"
    )


def _files(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]


def _digest(path: Path, split: Optional[str]) -> str:
    sha = hashlib.sha256((split or "").encode())
    for file in _files(path):
        sha.update(str(file.relative_to(path) if path.is_dir() else file.name).encode())
        with open(file, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                sha.update(block)
    return sha.hexdigest()


def _jsonl_rows(path: Path) -> Iterator[tuple[object, str]]:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                where = f"{path}:{number}"
                try:
                    yield json.loads(line), where
                except ValueError as err:
                    raise ToolkitError(f"{where}: not valid JSON ({getattr(err, 'msg', err)})") from None
    except UnicodeDecodeError as err:
        raise ToolkitError(f"input {path} is not valid UTF-8 (byte {err.start}): convert it first") from None


def _arrow_rows(tables, path: Path) -> Iterator[tuple[object, str]]:
    row = 0
    for table in tables:
        for record in table.to_pylist():
            row += 1
            yield record, f"{path} row {row}"


def _parquet(path: Path):
    import pyarrow.parquet as pq

    files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    try:
        opened = [pq.ParquetFile(f) for f in files]
    except Exception as err:  # pyarrow raises ArrowInvalid, OSError, ...: a file that is not Parquet
        raise ToolkitError(f"input {path} is not a readable Parquet file ({str(err).splitlines()[0][:160]})") from None
    names = opened[0].schema_arrow.names
    return names, (batch for f in opened for batch in f.iter_batches(batch_size=4096))


def _hf(path: Path, split: Optional[str]):
    try:
        import datasets
    except ImportError:
        raise ToolkitError(
            "reading a Hugging Face dataset needs the datasets package: pip install 'toolkit[export]'"
        ) from None
    datasets.disable_progress_bars()
    try:
        loaded = datasets.load_from_disk(str(path))
    except (FileNotFoundError, ValueError) as err:
        raise ToolkitError(f"input {path} is not a dataset saved with save_to_disk ({err})") from None
    if isinstance(loaded, datasets.DatasetDict):
        splits = list(loaded)
        if split is None and len(splits) == 1:
            split = splits[0]
        if split not in loaded:
            raise ToolkitError(f"input {path} holds the splits {', '.join(splits)}: pick one with --split")
        loaded = loaded[split]
    elif split is not None:
        raise ToolkitError(f"input {path} is a single dataset without splits: leave out --split")
    table = loaded.data.table  # the Arrow table behind the dataset, read in slices
    return loaded.column_names, (table.slice(start, 4096) for start in range(0, table.num_rows, 4096))


def _kind(columns: list[str], path: Path) -> str:
    if "translation" not in columns:
        raise ToolkitError(
            f'input {path} has no "translation" column (it has: {", ".join(columns) or "none"}): '
            "pairs need translation and renderings, documents translation and lang"
        )
    return PAIRS if "renderings" in columns else DOCUMENTS


def _plain(value):
    """Arrow has no 'key absent': a struct of renderings has every key in every row, null where a row lacks
    one. Such nulls are dropped, so a record reads as the JSON object it was made from."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    return value


def _check_document(record, where: str, defaults: DocumentDefaults) -> dict:
    if not isinstance(record, dict):
        raise ToolkitError(f"{where}: expected a JSON object")
    translation = record.get("translation")
    if not isinstance(translation, str) or not translation.strip():
        raise ToolkitError(f'{where}: "translation" (the document\'s text) is missing or empty')
    checked = dict(record)

    def language(key: str, default: Optional[Language]) -> Optional[Language]:
        value = record.get(key)
        if value is None:
            return default
        try:
            return Language.parse(value)
        except ToolkitError as err:
            raise ToolkitError(f"{where}: {err}") from None

    checked["lang"] = language("lang", defaults.lang)
    if checked["lang"] is None:
        raise ToolkitError(f'{where}: no "lang": give each document its language or pass --lang')
    original = record.get("original")
    if original is not None and not isinstance(original, str):
        raise ToolkitError(f'{where}: "original" must be the original\'s text')
    if original:
        checked["original_lang"] = language("original_lang", defaults.original_lang)
        if checked["original_lang"] is None:
            raise ToolkitError(f'{where}: an original needs its language: "original_lang" or --original-lang')
        if checked["original_lang"] == checked["lang"]:
            raise ToolkitError(f"{where}: the original and the translation are both {checked['lang']}")
    else:
        checked.pop("original", None)
        checked.pop("original_lang", None)
    return checked


def read_corpus(
    path: str | Path, split: Optional[str] = None, defaults: DocumentDefaults = DocumentDefaults()
) -> Corpus:
    """The input, read and every record checked, or one ToolkitError naming the first problem."""
    from ..score import parse_record

    path = Path(path)
    form = detect_format(path)
    if form == "jsonl":
        if split is not None:
            raise ToolkitError(f"input {path} is a JSONL file: --split is for Hugging Face datasets")
        rows = _jsonl_rows(path)
        first = next(rows, None)
        if first is None:
            raise ToolkitError(f"input {path} is empty: there is nothing to judge")
        record, where = first
        if not isinstance(record, dict):
            raise ToolkitError(f"{where}: expected a JSON object")
        kind = _kind(list(record), path)
        rows = _chain(first, rows)
    else:
        if split is not None and form != "hf":
            raise ToolkitError(f"input {path} is Parquet: --split is for Hugging Face datasets")
        columns, tables = _parquet(path) if form == "parquet" else _hf(path, split)
        kind = _kind(columns, path)
        rows = ((_plain(record), where) for record, where in _arrow_rows(tables, path))
    records = []
    for record, where in rows:
        if kind == PAIRS:
            parse_record(record, where)  # score's own check: one line naming the row and the field
        else:
            record = _check_document(record, where, defaults)
        records.append(json.dumps(record, ensure_ascii=False, default=str))
    if not records:
        raise ToolkitError(f"input {path} has no records: there is nothing to judge")
    return Corpus(path, form, kind, records, _digest(path, split))


def _chain(first, rest) -> Iterator:
    yield first
    yield from rest
