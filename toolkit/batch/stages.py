"""The stages of a batch, as Ray Data runs them: callable classes, so that each worker builds its state (an MT
engine's model, the signals' models) once and keeps it for every batch it is given.

Pairs:     records --JudgePairs--> pair rows
Documents: records --RenderDocuments (holds the engines)--> rendered --JudgeDocuments--> document rows

The classes know nothing of Ray beyond asking which node they run on; each takes and returns a batch as a
dict of columns (the driver adds `row` and `shard`, which pass through). A record that fails (a document an
engine cannot render) gives a row with its `error`, so one bad document does not cost the archive's job.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Optional, Sequence

from .. import fuse
from ..errors import ToolkitError
from ..records import Document, Rendering
from .schema import bead_fields, documents_schema, pairs_schema, record_id


def limit_threads(threads: int) -> None:
    """One worker, `threads` threads: set before the numeric libraries start their pools, and for torch also
    after (a worker process may have imported it already)."""
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "RAYON_NUM_THREADS"):
        os.environ[name] = str(threads)
    try:
        import torch
    except ImportError:
        return
    torch.set_num_threads(threads)


def _node() -> str:
    import ray

    return ray.get_runtime_context().get_node_id()


def batch_signature(kind: str, engines: Sequence[str], threshold: float):
    """What produced a batch's verdicts, made where they are made (a worker's installed resources count)."""
    from ..provenance import run_signature

    return run_signature(engines or "given renderings", threshold, aligned=bool(engines), context={"input": kind})


def _table(rows: list[dict], schema, batch: dict, node: str):
    import pyarrow as pa

    table = pa.Table.from_pylist(rows, schema=schema)
    return table.append_column("shard", pa.array([int(s) for s in batch["shard"]], pa.int64())).append_column(
        "node", pa.array([node] * len(rows), pa.string())
    )


class _Judging:
    """An actor that judges: its threads limited, its models loaded once (Resources), the node it runs on."""

    def __init__(self, threshold: float = fuse.THRESHOLD, threads: int = 1):
        limit_threads(threads)
        from ..signals import Resources

        self.threshold = threshold
        self.resources = Resources()
        self.signature: Optional[str] = None
        self.node = _node()


class JudgePairs(_Judging):
    """Signals and fusion over a batch of pairs, as `toolkit score` judges them (the same judge()), keeping the
    measured beads in the node's cache file as `score` does (so a job killed inside a shard loses little)."""

    def __init__(
        self, threshold: float = fuse.THRESHOLD, threads: int = 1, cache: Optional[str] = None, use_cache: bool = False
    ):
        super().__init__(threshold, threads)
        from ..judged_cache import JudgedCache

        self.store = JudgedCache(cache) if use_cache else None

    def __call__(self, batch: dict):
        from ..judge import judge, judgement
        from ..quiet import quiet_libraries
        from ..score import parse_record

        records = [json.loads(r) for r in batch["record"]]
        beads = [parse_record(r, f"row {row}") for r, row in zip(records, batch["row"])]
        with quiet_libraries():
            judged = judge(beads, self.threshold, self.resources, store=self.store)
            if self.signature is None:  # after the first judging: the resources are loaded by then
                self.signature = str(batch_signature("pairs", (), self.threshold))
        rows = [
            {
                "row": int(row),
                "id": record_id(record),
                "lang": bead.lang,
                "source_lang": bead.original_lang,
                **bead_fields(judgement(0, bead, one)),
                "signature": self.signature,
                "error": None,
            }
            for row, record, bead, one in zip(batch["row"], records, beads, judged)
        ]
        return _table(rows, pairs_schema(), batch, self.node)


@dataclass
class Rendered:
    """One document after the render stage: its segmented texts and every rendering, or why it failed."""

    translation: Optional[Document]
    original: Optional[Document]
    renderings: list[Rendering]
    error: Optional[str] = None


class RenderDocuments:
    """The MT stage: holds its engines (and their models) for the whole job, renders each document as compare()
    does, through the rendering cache."""

    def __init__(self, engines: Sequence[str], cache: Optional[str] = None, use_cache: bool = True, threads: int = 1):
        limit_threads(threads)
        from ..cache import RenderingCache
        from ..engines import load
        from ..pipeline import unique_engines

        self.engines = unique_engines([load(spec) for spec in dict.fromkeys(engines)])
        self.cache = RenderingCache(cache) if use_cache else None

    def __call__(self, batch: dict) -> dict:
        import numpy as np

        from ..pipeline import render_document
        from ..quiet import quiet_libraries
        from ..segment import segment_text

        rendered = []
        for text in batch["record"]:
            record = json.loads(text)
            try:
                translation = segment_text(record["translation"], record["lang"])
                original = segment_text(record["original"], record["original_lang"]) if record.get("original") else None
                if not translation.segments:
                    raise ToolkitError("the translation has no sentences once cleaned")
                with quiet_libraries():
                    rendered.append(
                        Rendered(
                            translation, original, render_document(translation, original, self.engines, self.cache)
                        )
                    )
            except ToolkitError as err:
                rendered.append(Rendered(None, None, [], str(err)))
        column = np.empty(len(rendered), dtype=object)
        column[:] = rendered
        return {"row": batch["row"], "shard": batch["shard"], "record": batch["record"], "rendered": column}


class JudgeDocuments(_Judging):
    """Alignment, signals and fusion of rendered documents, every bead of a batch judged in one call."""

    def __call__(self, batch: dict):
        from ..pipeline import judge_documents
        from ..quiet import quiet_libraries

        rendered: list[Rendered] = list(batch["rendered"])
        good = [r for r in rendered if r.error is None]
        with quiet_libraries():
            judged = iter(
                judge_documents(
                    [(r.translation, r.original, r.renderings) for r in good if r.translation is not None],
                    self.threshold,
                    self.resources,
                )
            )
            if self.signature is None and good:  # the engines' signatures come with their renderings
                engines = sorted({r.engine for one in good for r in one.renderings})
                self.signature = str(batch_signature("documents", engines, self.threshold))
        rows = []
        for row, text, one in zip(batch["row"], batch["record"], rendered):
            record = json.loads(text)
            judgements = next(judged) if one.error is None else []
            rows.append(
                {
                    "row": int(row),
                    "id": record_id(record),
                    "lang": record["lang"],
                    "original_lang": record.get("original_lang"),
                    "sentences": len(one.translation.segments) if one.translation else 0,
                    "beads_count": len(judgements),
                    "flagged": sum(j.flag for j in judgements),
                    "beads": [bead_fields(j) for j in judgements],
                    "signature": self.signature,
                    "error": one.error,
                }
            )
        return _table(rows, documents_schema(), batch, self.node)
