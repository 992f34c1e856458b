"""A run's beads as a Hugging Face dataset: one declared schema, a dataset card, and three ways out.

`toolkit export RUN_DIR --to DIR` writes DIR as a `save_to_disk` folder that also holds the card (README.md),
beads.parquet and beads.jsonl, so `load_from_disk(DIR)`, `load_dataset("parquet", ...)` and plain pandas or jq
all read it, and the folder uploaded to the hub as it is shows beads.parquet (the card's `configs` say so). `--parquet FILE` writes the parquet file alone; `--hub REPO_ID` pushes the dataset
and its card to the Hugging Face hub. `datasets` is imported inside the functions: it takes seconds to load.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Optional, Sequence

from . import __version__
from .errors import ToolkitError
from .output import read_run
from .records import Judgement
from .schema import SEVERITIES, features, to_row

DEFAULT_LICENSE = "other"
DATA_FILES = {"dir": "beads.parquet", "hub": "data/train-*"}


def build_dataset(judgements: Sequence[Judgement], summary: dict, license: str = DEFAULT_LICENSE):
    schema = features()
    from datasets import Dataset, DatasetInfo

    info = DatasetInfo(
        description=f"Beads of a toolkit run. Signature: {summary.get('signature', '')}",
        license=license,
        version=__version__,
        features=schema,
    )
    return Dataset.from_list([to_row(j) for j in judgements], features=schema, info=info)


# --- the dataset card ---


def _languages(summary: dict) -> list[str]:
    langs = [(summary.get(side) or {}).get("lang") for side in ("translation", "original")]
    return [lang for lang in dict.fromkeys(langs) if lang]


def _size_category(count: int) -> str:
    return "n<1K" if count < 1000 else "1K<n<10K" if count < 10_000 else "10K<n<100K"


def _code(text: str) -> str:
    """A fenced block that the text cannot close, whatever backticks it holds."""
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", text)), default=0))
    return f"{fence}\n{text}\n{fence}"


def _inline(value) -> str:
    """Document paths and names in Markdown: backticks and newlines out, so they stay one inline code span."""
    return "`" + re.sub(r"[`\r\n]+", " ", str(value)) + "`"


def card_data(summary: dict, count: int, license: str = DEFAULT_LICENSE, data_files: str = DATA_FILES["dir"]):
    """The card's metadata (its YAML header) as huggingface_hub's DatasetCardData, which writes valid YAML
    whatever a path or a name holds."""
    from huggingface_hub import DatasetCardData

    return DatasetCardData(
        license=license,
        language=_languages(summary),
        pretty_name=f"Translation divergence: {_name(summary)}",
        tags=["translation", "machine-translation", "translation-quality"],
        task_categories=["translation"],
        size_categories=[_size_category(count)],
        configs=[{"config_name": "default", "data_files": [{"split": "train", "path": data_files}]}],
    )


def _name(summary: dict) -> str:
    return Path(str((summary.get("translation") or {}).get("path") or "translation")).stem


def dataset_card(
    summary: dict, judgements: Sequence[Judgement], license: str = DEFAULT_LICENSE, data_files: str = DATA_FILES["dir"]
) -> str:
    """The dataset card (README.md): huggingface_hub's DatasetCard of card_data() and the text below."""
    from huggingface_hub import DatasetCard

    translation = summary.get("translation") or {}
    original = summary.get("original")
    name = _name(summary)
    severities = {s: sum(j.severity == s for j in judgements) for s in SEVERITIES[1:]}
    renderings = (
        "\n".join(
            f"- {_inline(r.get('name'))}: {r.get('kind')}, {r.get('src')} → {r.get('tgt')}"
            + (f" through {r['pivot']}" if r.get("pivot") else "")
            for r in summary.get("renderings") or []
        )
        or "- (none recorded)"
    )
    side = lambda info: f"{_inline(info.get('path'))} ({info.get('lang')}, {info.get('sentences')} sentences)"
    text = f"""
# Translation divergence: {name}

Where did this translation change the meaning? One row per **bead** (an alignment unit: original sentence ids
↔ translation sentence ids) of one document, with the engines' own renderings, the measured signals, and the
verdict: a **divergence** in [0, 1], a **flag**, a **severity** and the **reasons**.

## Signature

The exact settings that produced these rows:

{_code(str(summary.get("signature", "")))}

## Source

- translation: {side(translation)}
- original: {side(original) if original else "not available: every bead is judged by round trips alone"}
- mode: {summary.get("mode", "?")}
- renderings:
{renderings}
- {len(judgements)} beads, {sum(j.flag for j in judgements)} flagged (minor {severities["minor"]}, major \
{severities["major"]}, critical {severities["critical"]}) at threshold {summary.get("threshold")}
- run created {summary.get("created", "?")} with toolkit {summary.get("toolkit_version", __version__)}

## How it was made

`toolkit compare` read and cleaned the documents and split them into sentences; each engine rendered them
(forward: original → translation language; back: translation → original language; round trip: translation →
pivot → back), every rendering going through a persistent cache; sentences were aligned into beads with the
renderings as a bridge (without an original, every translation sentence is its own bead); signals (chrF++
against each rendering, number mismatches, ...) were fused into the divergence, and beads over the threshold
were flagged. `toolkit export` (toolkit {__version__}) then wrote this dataset.

## Fields

| field | type | meaning |
|---|---|---|
| `bead` | int32 | position of the bead in the document |
| `original_ids`, `translation_ids` | list of int32 | 0-based sentence ids on each side; one side is empty for an omission or an addition |
| `original`, `translation` | string | the bead's text on each side (`original` is empty without an original) |
| `renderings` | list of {{`name`, `kind`, `engine`, `label`, `text`, `scores`}} | each engine's rendering; `name` is unique in the run, `engine` the engine signature, `label` the engine as the user named it, `kind` forward, back or round-trip, `scores` its chrF++, BLEU and TER against the translation (a back rendering: against the original) |
| `signals` | list of {{`name`, `value`}} | every measured signal of the bead (e.g. `chrf_best`, `numbers_mismatch`) |
| `divergence` | float64 | the fused score in [0, 1] |
| `flag` | bool | divergence over the threshold |
| `severity` | ClassLabel | 0 none, 1 minor, 2 major, 3 critical |
| `reasons` | list of {{`signal`, `detail`, `translation_span`, `technical`}} | why the bead was flagged, in plain words; the span is [start, end] in `translation`, or null; `technical` the signal's value and weight |

Renderings and signals are lists of named entries rather than one column per engine: their names differ from
run to run, and this way every run shares one schema.

## Use

```python
from datasets import load_from_disk, load_dataset
beads = load_from_disk("EXPORT_DIR")  # the folder `toolkit export --to` wrote
beads = load_dataset("parquet", data_files="EXPORT_DIR/beads.parquet", split="train")  # the same rows
flagged = beads.filter(lambda row: row["flag"])
```

## Licence

`{license}`. The `original`, `translation` and rendering texts quote the documents that were compared; their
rights stay with the documents' publishers. Pass `--license` to `toolkit export` when you know the terms.
"""
    data = card_data(summary, len(judgements), license, data_files)
    return str(DatasetCard(f"---\n{data.to_yaml()}\n---\n{text}"))


# --- writing ---


def _load(run_dir: str | Path, license: str):
    judgements, summary = read_run(run_dir)
    try:
        return judgements, summary, build_dataset(judgements, summary, license)
    except ToolkitError as err:
        raise ToolkitError(f"{Path(run_dir) / 'beads.jsonl'}: {err}") from None


def _fresh(path: Path) -> Path:
    partial = path.with_name(path.name + ".partial")
    if partial.is_dir():
        shutil.rmtree(partial)
    elif partial.exists():
        partial.unlink()
    return partial


def export_dir(run_dir: str | Path, out_dir: str | Path, license: str = DEFAULT_LICENSE) -> Path:
    """save_to_disk + README.md + beads.parquet + beads.jsonl in out_dir, written aside and then moved in,
    so a failure halfway leaves no half export and a second export replaces the first whole."""
    out_dir, run_dir = Path(out_dir), Path(run_dir)
    judgements, summary, dataset = _load(run_dir, license)
    if out_dir.resolve() == run_dir.resolve():
        raise ToolkitError(f"{out_dir} is the run folder itself: export to another folder")
    if out_dir.exists() and (
        not out_dir.is_dir() or (any(out_dir.iterdir()) and not (out_dir / "dataset_info.json").exists())
    ):
        raise ToolkitError(f"{out_dir} exists and is not an earlier export: pick a new folder")
    try:
        partial = _fresh(out_dir)
        dataset.save_to_disk(str(partial))
        dataset.to_parquet(str(partial / "beads.parquet"))
        dataset.to_json(str(partial / "beads.jsonl"), lines=True, force_ascii=False)
        (partial / "README.md").write_text(dataset_card(summary, judgements, license), encoding="utf-8")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(partial, out_dir)
    except OSError as err:
        raise ToolkitError(f"cannot write the export to {out_dir}: {err.strerror or err}") from None
    return out_dir


def export_parquet(run_dir: str | Path, out_file: str | Path, license: str = DEFAULT_LICENSE) -> Path:
    out_file = Path(out_file)
    _, _, dataset = _load(run_dir, license)
    try:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        partial = _fresh(out_file)
        dataset.to_parquet(str(partial))
        os.replace(partial, out_file)
    except OSError as err:
        raise ToolkitError(f"cannot write {out_file}: {err.strerror or err}") from None
    return out_file


def hub_token(token: Optional[str] = None) -> str:
    from huggingface_hub import get_token

    token = token or get_token()
    if not token:
        raise ToolkitError(
            "pushing to the hub needs a Hugging Face token: set HF_TOKEN, or run "
            "`hf auth login` once, then export again"
        )
    return token


def push_to_hub(
    run_dir: str | Path,
    repo_id: str,
    token: Optional[str] = None,
    private: bool = False,
    license: str = DEFAULT_LICENSE,
) -> str:
    """Push the dataset, then replace the README that push_to_hub writes with the full card."""
    token = hub_token(token)
    judgements, summary, dataset = _load(run_dir, license)
    card = dataset_card(summary, judgements, license, data_files=DATA_FILES["hub"])
    from huggingface_hub import HfApi

    try:
        dataset.push_to_hub(repo_id, token=token, private=private, commit_message=f"toolkit export ({__version__})")
        HfApi(token=token).upload_file(
            path_or_fileobj=card.encode("utf-8"),
            path_in_repo="README.md",
            repo_id=repo_id,
            repo_type="dataset",
            commit_message="dataset card from toolkit export",
        )
    except Exception as err:  # noqa: BLE001 - any network, auth or validation failure is the user's to fix
        message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ToolkitError(f"pushing to the hub repository {repo_id} failed: {message}") from None
    return f"https://huggingface.co/datasets/{repo_id}"
