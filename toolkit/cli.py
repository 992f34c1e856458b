"""The `toolkit` command: a thin layer over the Python API. Heavy imports happen inside the commands."""

from __future__ import annotations

import argparse
import sys

from .commands import cmd_align, cmd_batch, cmd_compare, cmd_contrast, cmd_export, cmd_models, cmd_score, cmd_serve
from .engine_choice import DEFAULT_ENGINES
from .errors import ToolkitError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="toolkit",
        description="Where did this translation change the meaning? "
        "Renders with several MT engines, aligns, and flags the sentences whose meaning shifted.",
    )
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    compare = commands.add_parser("compare", help="judge a translation (and its original, when there is one)")
    compare.add_argument(
        "translation",
        help="the translated document: UTF-8 text, one paragraph a line, or a "
        "web page (.html, or an http(s) URL with a network); - reads standard input",
    )
    compare.add_argument("--lang", required=True, help="language of the translation (ISO 639-1, e.g. en)")
    compare.add_argument("--original", help="the original document, when available (text or a web page)")
    compare.add_argument("--original-lang", help="language of the original (e.g. de)")
    compare.add_argument(
        "--engine",
        action="append",
        metavar="SPEC",
        help="engine spec, repeatable: ct2:MODEL, hf:MODEL (a hub id or a folder; "
        "MODEL+MODEL for two one-way models), apertium:eng-spa, file:PATH (default: the "
        f"downloaded models of `toolkit models list`, else the installed Apertium pairs that serve "
        f"the languages, e.g. {' '.join(DEFAULT_ENGINES)} for English)",
    )
    compare.add_argument("--out", required=True, help="run folder for beads.jsonl, summary.json, report.html")
    compare.add_argument("--top", type=int, default=10, help="most flagged beads the terminal table shows (default 10)")
    compare.add_argument(
        "--format",
        default="text",
        metavar="FORMAT",
        help="what goes to standard output: text (the table, default), json (the summary and every "
        "bead, one object) or tsv (one row a bead); the run folder is written either way",
    )
    _common(compare)
    compare.set_defaults(func=cmd_compare)

    contrast = commands.add_parser(
        "contrast",
        help="two or more translations of the same line-aligned source, side by side: which drifts "
        "more, per line and overall, with paired significance tests",
    )
    contrast.add_argument(
        "-t",
        "--translation",
        action="append",
        dest="translations",
        metavar="FILE",
        help="a system's translation, one sentence a line (repeat for each system; one is enough with an --engine)",
    )
    contrast.add_argument(
        "-s",
        "--source",
        metavar="FILE",
        help="the source, line-aligned with the translations "
        "(optional: the signals compare numbers and names with it, engines render it)",
    )
    contrast.add_argument("--lang", required=True, help="language of the translations (e.g. en)")
    contrast.add_argument("--src-lang", help="language of the source (e.g. de)")
    contrast.add_argument(
        "--engine",
        action="append",
        metavar="SPEC",
        help="engine spec, repeatable, as for compare: the translations are judged against its "
        "renderings (file:PATH: plain lines line-aligned with the source)",
    )
    contrast.add_argument(
        "--against",
        default="auto",
        metavar="WHAT",
        help="engines, systems (each against the others' lines) or both (default: engines when "
        "--engine is given, else systems)",
    )
    contrast.add_argument(
        "--format",
        default="text",
        metavar="FORMAT",
        help="text (default), json (every line, system and test) or tsv (a row per line and system)",
    )
    contrast.add_argument("--out", metavar="FILE", help="write the output here instead of standard output")
    contrast.add_argument("--top", type=int, default=10, help="lines the text view shows (default 10)")
    _common(contrast)
    contrast.set_defaults(func=cmd_contrast)

    score = commands.add_parser("score", help="score precomputed pairs from a JSONL file")
    score.add_argument("pairs", help='JSONL: {"id", "translation", "renderings": [...] or {...}, "lang", "source"}')
    score.add_argument("--out", help="output JSONL (default: standard output)")
    score.add_argument("--threshold", type=float, default=_threshold())
    score.add_argument(
        "--cache", help="cache file that keeps judged pairs (default: $TOOLKIT_CACHE or ~/.cache/toolkit)"
    )
    score.add_argument("--no-cache", action="store_true", help="judge everything afresh, keep nothing")
    score.add_argument("-q", "--quiet", action="store_true", help="no progress bars (shown only on a terminal)")
    score.set_defaults(func=cmd_score)

    batch = commands.add_parser(
        "batch",
        help="judge a corpus (documents or pairs) on Ray Data: Parquet shards "
        "and a summary, resumable; on this machine, or on a Ray cluster with --address",
    )
    batch.add_argument(
        "input",
        help="JSONL, Parquet (a file or a folder) or a Hugging Face dataset saved to disk: "
        'pairs as `score` takes them, or documents {"id", "translation", "lang", '
        '"original", "original_lang"}',
    )
    batch.add_argument("--out", required=True, help="folder for the shards (shards/*.parquet) and summary.json")
    batch.add_argument(
        "--engine",
        action="append",
        metavar="SPEC",
        help="MT engine for documents, repeatable (as for compare; pairs bring their renderings)",
    )
    batch.add_argument(
        "--address",
        help="a running Ray cluster (e.g. ray://head:10001, or auto); default: "
        "Ray on this machine, started and stopped by the command",
    )
    batch.add_argument("--workers", type=int, help="actors per stage (default: the CPUs, over --threads)")
    batch.add_argument("--threads", type=int, default=1, help="threads per worker (default 1)")
    batch.add_argument(
        "--shard-rows", type=int, default=1000, help="records per shard, the unit of resuming (default 1000)"
    )
    batch.add_argument("--batch-rows", type=int, default=256, help="pairs a worker judges together (default 256)")
    batch.add_argument("--split", help="the split of a saved Hugging Face DatasetDict")
    batch.add_argument("--lang", help="language of documents that do not name theirs")
    batch.add_argument("--original-lang", help="language of originals that do not name theirs")
    batch.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also Ray's own log lines, its workers' output and warnings (silenced by default)",
    )
    _common(batch)
    batch.set_defaults(func=cmd_batch)

    align = commands.add_parser(
        "align",
        help="align two sentence-per-line files using MT renderings (Gale-Church on lengths when none is given)",
    )
    align.add_argument("original")
    align.add_argument("translation")
    align.add_argument(
        "--rendering",
        action="append",
        default=[],
        metavar="FILE",
        help="MT of ORIGINAL into the translation's language, line-aligned with ORIGINAL",
    )
    align.add_argument(
        "--reverse-rendering",
        action="append",
        default=[],
        metavar="FILE",
        help="MT of TRANSLATION into the original's language, line-aligned with TRANSLATION",
    )
    align.add_argument("--out", help="output file of beads in vecalign's format (default: standard output)")
    align.add_argument(
        "--max-side",
        type=int,
        metavar="N",
        help="most sentences on one side of a bead (default 4, or 5 with a meaning source; 1 = only 1-1, 1-0, 0-1)",
    )
    align.add_argument(
        "--max-bead",
        type=int,
        metavar="N",
        help="most sentences in a bead, both sides together (default 5, or 6 with a meaning source)",
    )
    align.add_argument(
        "--lang",
        metavar="T",
        help="the translation's (and the renderings') language, e.g. en: "
        "with an embedding model for it, beads are also priced by meaning",
    )
    align.add_argument(
        "--meaning",
        choices=["auto", "on", "off"],
        default="auto",
        help="embedding similarity of merged sentences as a cost source: auto (default) when "
        "a model reads --lang (English: all-MiniLM-L6-v2), on (fail without one; French: all-MiniLM-L6-v2 with "
        "the shipped French adapter, which auto leaves out), off",
    )
    align.add_argument(
        "--embedding-model",
        metavar="DIR",
        help="a sentence-transformers folder that reads "
        "the translation's language (default: $TOOLKIT_EMBEDDING_MODEL or the packaged "
        "all-MiniLM-L6-v2, English only)",
    )
    align.set_defaults(func=cmd_align)

    export = commands.add_parser("export", help="write a run's beads as a Hugging Face dataset")
    export.add_argument("run_dir", metavar="RUN_DIR", help="a run folder made by `toolkit compare --out DIR`")
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--to",
        metavar="DIR",
        help="a save_to_disk folder with the dataset card (README.md), beads.parquet and beads.jsonl",
    )
    target.add_argument("--parquet", metavar="FILE", help="one parquet file")
    target.add_argument(
        "--hub", metavar="REPO_ID", help="push to the Hugging Face hub (needs HF_TOKEN or `hf auth login`)"
    )
    export.add_argument(
        "--license",
        default="other",
        help="licence id for the dataset card (default: other; the texts belong to their publishers)",
    )
    export.add_argument("--private", action="store_true", help="with --hub: create the repository as private")
    export.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    export.set_defaults(func=cmd_export)

    serve = commands.add_parser("serve", help="a local web page and HTTP API over the same judge as compare")
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only; any other warns, as there is no login)",
    )
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    serve.add_argument(
        "--folder",
        default="runs/serve",
        help="the server's run folder: every job's input and output go into FOLDER/jobs/ID (default runs/serve)",
    )
    serve.add_argument(
        "--engine",
        action="append",
        metavar="SPEC",
        help="the only engines requests may pick, "
        "repeatable (default: the installed ones, the command line's defaults preselected)",
    )
    serve.add_argument(
        "--no-fetch", action="store_true", help="refuse web addresses (only public http(s) pages are fetched anyway)"
    )
    _common(serve)
    serve.set_defaults(func=cmd_serve)

    models = commands.add_parser("models", help="list or download the open MT models the engines use")
    actions = models.add_subparsers(dest="models_command", metavar="ACTION")
    listing = actions.add_parser("list", help="default models per language pair, and whether they are downloaded")
    listing.add_argument("--pair", action="append", metavar="SRC-TGT", help="e.g. de-en, repeatable (default de-en)")
    listing.add_argument("--json", action="store_true", help="one JSON list instead of the table")
    fetch = actions.add_parser("download", help="fetch models into the Hugging Face cache (needs internet)")
    fetch.add_argument(
        "--pair",
        action="append",
        metavar="SRC-TGT",
        help="the default models of a pair, both directions (repeatable; default de-en)",
    )
    fetch.add_argument("--model", action="append", metavar="ID", help="a model id from the hub, repeatable")
    fetch.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    models.set_defaults(func=cmd_models, models_parser=models)
    return parser


def _common(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--threshold", type=float, default=_threshold(), help="divergence that raises a flag")
    sub.add_argument("--cache", help="rendering cache file (default: $TOOLKIT_CACHE or ~/.cache/toolkit)")
    sub.add_argument("--no-cache", action="store_true", help="render everything afresh, store nothing")
    sub.add_argument("-q", "--quiet", action="store_true", help="no progress and no table (for scripts)")


def _threshold() -> float:
    from .fuse import THRESHOLD

    return THRESHOLD


def _version() -> str:
    from . import __version__

    return f"toolkit {__version__}"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except ToolkitError as err:
        print(f"toolkit {args.command}: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            f"toolkit {args.command}: interrupted; what was rendered and judged is kept in the cache", file=sys.stderr
        )
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
