"""The commands behind the CLI: each `cmd_*` reads its parsed arguments, calls the Python API and prints or
writes what it gave. Heavy libraries are imported inside them, so `toolkit --help` starts fast."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from .engine_choice import default_engines
from .errors import ToolkitError
from .languages import Language


def _cache(args):
    from .cache import RenderingCache

    return None if args.no_cache else RenderingCache(args.cache)


def _emit(lines, out: str | None) -> None:
    """Lines to the --out file (written atomically) or to standard output."""
    if out:
        _write_atomically(Path(out), lines)
    else:
        for line in lines:
            print(line)


def _write_atomically(path: Path, lines) -> None:
    """Write to a temporary file first, so an error halfway never leaves a truncated output behind."""
    partial = path.with_name(path.name + ".partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(partial, "w", encoding="utf-8") as handle:
            for line in lines:
                handle.write(line + "\n")
        os.replace(partial, path)
    except OSError as err:  # checked before the work, so only a full disk or a place that changed meanwhile
        partial.unlink(missing_ok=True)
        raise ToolkitError(f"writing {path} failed: {err.strerror}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _warn_on_language(document, what: str, option: str) -> None:
    """A warning, not an error: detectors err on short or mixed texts, and the user may know better."""
    from .detect import mismatch

    warning = mismatch(document.text, document.lang, what, option)
    if warning:
        print(f"toolkit compare: warning: {warning}", file=sys.stderr)


def _check_format(value: str) -> str:
    from .output import FORMATS

    if value not in FORMATS:
        raise ToolkitError(f"unknown --format {value!r}: one of {', '.join(FORMATS)}")
    return value


def cmd_compare(args) -> int:
    from .output import beads_tsv, top_table, write_run
    from .pipeline import compare
    from .render import tqdm_progress
    from .schema import to_json
    from .segment import read_document
    from .writable import check_folder

    _check_format(args.format)
    check_folder(args.out, "--out")  # before any work: a run must not end in a folder it cannot write
    cache = _cache(args)
    lang = Language.parse(args.lang)
    if args.original and not args.original_lang:
        raise ToolkitError("an original needs its language: pass --original-lang (e.g. de)")
    source_lang = Language.parse(args.original_lang) if args.original_lang else None
    if args.original and source_lang == lang:
        raise ToolkitError(f"the original and the translation are both {lang}: give --original-lang")
    if args.translation == "-" and args.original == "-":
        raise ToolkitError("only one document can come from standard input (-): give the other as a file")
    translation = read_document(args.translation, lang, what="translation")  # bad files first, then engines
    original = read_document(args.original, source_lang, what="original") if args.original and source_lang else None
    for what, document in (("translation", translation), ("original", original)):
        if document is not None and document.meta.get("format") == "html" and not args.quiet:
            title = f' "{document.meta["title"]}"' if document.meta.get("title") else ""
            print(
                f"toolkit compare: the {what} {document.path} is a web page: judging its article{title} "
                f"({len(document.segments)} sentences) as trafilatura extracts it",
                file=sys.stderr,
            )
    _warn_on_language(translation, "translation", "--lang")
    if original is not None:
        _warn_on_language(original, "original", "--original-lang")
    run = compare(
        translation,
        args.engine or default_engines(lang, source_lang, original is not None),
        original,
        cache=cache,
        threshold=args.threshold,
        progress=None if args.quiet else tqdm_progress(),
    )
    out = write_run(run, args.out)
    if args.format == "json":  # for scripts: the run's place, its summary and every bead, as one JSON object
        print(
            json.dumps(
                {"out": str(out), "summary": run.summary, "beads": [to_json(j) for j in run.judgements]},
                ensure_ascii=False,
            )
        )
    elif args.format == "tsv":
        print("\n".join(beads_tsv(run.judgements)))
    elif not args.quiet:
        print(top_table(run.judgements, args.top))
        print(f"\n{run.summary['flagged']} of {run.summary['beads']} beads flagged; report: {out / 'report.html'}")
    return 0


def cmd_contrast(args) -> int:
    from .contrast import AGAINST, System, check_systems, contrast, system_names
    from .contrast_output import text_table, tsv_lines
    from .reading import read_lines
    from .render import tqdm_progress
    from .writable import check_file

    _check_format(args.format)
    if args.against not in AGAINST:
        raise ToolkitError(f"unknown --against {args.against!r}: one of {', '.join(AGAINST)}")
    if args.out:
        check_file(args.out, "--out")
    lang = Language.parse(args.lang)  # every code, file and line count is checked before any engine loads
    if args.source and not args.src_lang:
        raise ToolkitError("a source needs its language: pass --src-lang (e.g. de)")
    source_lang = Language.parse(args.src_lang) if args.src_lang else None
    paths = args.translations or []
    check_systems([System(str(p), []) for p in paths], engines=bool(args.engine))  # enough of them, first
    source = read_lines(args.source, what="source") if args.source else None
    systems = [
        System(name, read_lines(path, what="translation"), path) for name, path in zip(system_names(paths), paths)
    ]
    check_systems(systems, source, bool(args.engine))
    result = contrast(
        systems,
        lang,
        source,
        source_lang,
        args.engine or [],
        args.against,
        _cache(args),
        args.threshold,
        None if args.quiet or args.format != "text" else tqdm_progress(),
    )
    if args.format == "json":
        lines = [json.dumps(result.to_json(), ensure_ascii=False)]
    elif args.format == "tsv":
        lines = tsv_lines(result)
    else:
        lines = [text_table(result, args.top)]
    if args.out:
        _write_atomically(Path(args.out), lines)
        if not args.quiet:
            print(f"toolkit contrast: {args.format} written to {args.out}", file=sys.stderr)
    elif args.format != "text" or not args.quiet:
        print("\n".join(lines))
    return 0


def cmd_score(args) -> int:
    from .judged_cache import JudgedCache
    from .quiet import quiet_libraries
    from .reading import read_lines
    from .render import tqdm_progress
    from .score import score_lines
    from .writable import check_file

    if args.out:
        check_file(args.out, "--out")
    store = None if args.no_cache else JudgedCache(_cache(args).path)  # judged beads kept: a rerun reuses them
    with quiet_libraries():  # the judge loads models: their bars and load reports are not the output
        # bars on a terminal only: score's stderr, piped, stays free for errors (scripts read it)
        bars = not args.quiet and sys.stderr.isatty()
        records = score_lines(
            read_lines(args.pairs, what="pairs file"),
            str(args.pairs),
            args.threshold,
            store,
            tqdm_progress() if bars else None,
        )
        _emit((json.dumps(r, ensure_ascii=False) for r in records), args.out)
    return 0


def cmd_batch(args) -> int:
    from .batch import BatchSpec, run

    spec = BatchSpec(
        args.input,
        args.out,
        tuple(args.engine or ()),
        args.threshold,
        args.address,
        args.workers,
        args.threads,
        args.shard_rows,
        args.batch_rows,
        args.split,
        args.lang,
        args.original_lang,
        args.cache,
        not args.no_cache,
        args.quiet,
        args.verbose,
    )

    def report(done) -> None:
        if not args.quiet:
            print(
                f"toolkit batch: shard {done.shard} written ({done.rows} rows; {done.done}/{done.total} shards done)",
                file=sys.stderr,
            )

    try:
        result = run(spec, report)
    except KeyboardInterrupt:
        raise ToolkitError(
            f"interrupted; the shards written to {args.out} are kept: rerun the same command to finish"
        ) from None
    if not args.quiet:
        summary = result.summary
        errors = f", {summary['errors']} failed (see summary.json)" if summary["errors"] else ""
        print(
            f"{summary['rows']} {summary['input']['kind']} judged ({len(result.judged)} shards now, "
            f"{len(result.resumed)} kept from before){errors}: {summary['flagged']} of {summary['beads']} beads "
            f"flagged; shards and summary.json in {result.out}"
        )
    return 0


def cmd_align(args) -> int:
    from .alignment import align, meaning_settings, signature
    from .alignment.meaning import encoder_for
    from .quiet import quiet_libraries
    from .reading import read_lines
    from .writable import check_file

    if args.out:
        check_file(args.out, "--out")
    original = read_lines(args.original, what="original")
    translation = read_lines(args.translation, what="translation")
    forward = [read_lines(p, what="rendering") for p in args.rendering]
    reverse = [read_lines(p, what="reverse rendering") for p in args.reverse_rendering]
    if args.meaning == "on" and not forward:
        raise ToolkitError("--meaning on compares the translation with a --rendering: give one")
    with quiet_libraries():  # loading the embedding model draws bars that are not the output
        encoder, why_not = encoder_for(args.lang, args.embedding_model, args.meaning) if forward else (None, "")
        if why_not and args.meaning == "auto" and args.lang:
            print(
                f"toolkit align: note: no meaning source ({why_not}); aligning on n-grams and lengths", file=sys.stderr
            )
        settings = meaning_settings(args.lang) if encoder else None
        beads = align(
            original,
            translation,
            forward,
            reverse,
            max_side=args.max_side,
            max_bead=args.max_bead,
            encoder=encoder,
            settings=settings,
        )
    used = signature(
        bool(forward or reverse),
        args.max_side,
        args.max_bead,
        settings=settings,
        meaning=encoder.name if encoder else None,
    )
    print(f"toolkit align: {used}", file=sys.stderr)  # which cost sources made these beads
    _emit((bead.vecalign() for bead in beads), args.out)
    return 0


def cmd_export(args) -> int:
    from . import export, schema
    from .writable import check_file, check_folder

    if args.to:
        check_folder(args.to, "--to")
    elif args.parquet:
        check_file(args.parquet, "--parquet")
    schema.datasets_module().disable_progress_bars()  # hundreds of beads, not millions: the bars are noise
    where: str | Path
    if args.hub:
        where = export.push_to_hub(args.run_dir, args.hub, private=args.private, license=args.license)
    elif args.parquet:
        where = export.export_parquet(args.run_dir, args.parquet, license=args.license)
    else:
        where = export.export_dir(args.run_dir, args.to, license=args.license)
    if not args.quiet:
        print(f"exported {args.run_dir} to {where}")
    return 0


def cmd_serve(args) -> int:
    from .serve import serve  # Starlette and uvicorn load here, not when the CLI starts

    cache = None if args.no_cache else (args.cache or "")
    serve(args.host, args.port, args.folder, args.engine, cache, args.threshold, not args.no_fetch, args.quiet)
    return 0


def cmd_models(args) -> int:
    from . import models

    if args.models_command == "list":
        rows = models.rows(args.pair or models.DEFAULT_PAIRS)
        if args.json:
            print(json.dumps(rows, indent=1))
            return 0
        width = max(len(r["model"]) for r in rows)
        for r in rows:
            state = "downloaded" if r["present"] else "missing"
            print(f"{r['pair']:7} {r['model']:{width}}  {state:10}  {r['engine']}")
        if not all(r["present"] for r in rows):
            print(
                "\nfetch the missing ones with: toolkit models download --pair "
                + " --pair ".join(dict.fromkeys(r["pair"] for r in rows if not r["present"])),
                file=sys.stderr,
            )
        return 0
    if args.models_command == "download":
        wanted = list(
            dict.fromkeys(
                (args.model or []) + models.model_ids_for(args.pair or ([] if args.model else models.DEFAULT_PAIRS))
            )
        )
        folders = models.download_all(wanted, report=(lambda _: None) if args.quiet else print, quiet=args.quiet)
        if not args.quiet:
            print(f"{len(folders)} model(s) in the Hugging Face cache")
        return 0
    args.models_parser.print_help()
    return 2
