"""The web app: the page (/), its HTTP API (/api/...) and each job's report and files (/jobs/{id}...).

Starlette, not FastAPI: the API is four JSON routes whose checks are the toolkit's own (toolkit/serve/inputs.py),
so FastAPI's validation layer and its pydantic dependency would add weight and a second set of error messages
without doing anything here; Starlette is the maintained ASGI toolkit FastAPI itself is built on, small, with a
test client. uvicorn serves it.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Optional

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from .. import languages
from ..errors import ToolkitError
from . import inputs
from .inputs import BadInput
from .jobs import Job, JobQueue

_JOB_ID = re.compile(r"^[0-9a-f]{16}$")
# The page loads nothing but its own script and style; a report may run its inline script and show inline
# images, and neither may reach any address.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
)
REPORT_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
SAFE_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
ASSETS = {"page.js": "text/javascript", "page.css": "text/css"}


@dataclass
class Settings:
    folder: Path  # the server's own run folder: every job's input and output lives under folder/jobs/ID
    engines: Optional[list[str]] = None  # the only engines requests may pick (the operator's --engine); None: installed
    cache: Optional[str] = ""  # rendering cache file; "" the default one, None no cache
    threshold: Optional[float] = None
    fetch: bool = True  # fetch web addresses (public http(s) only)


def _error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": " ".join(str(message).split())}, status_code=status, headers=SAFE_HEADERS)


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


class Engines:
    """Which engines a request may pick for its languages, and which the page preselects: the operator's list
    when the server was started with --engine, else what is installed, with the command line's defaults."""

    def __init__(self, configured: Optional[list[str]]):
        self.configured = list(dict.fromkeys(configured)) if configured else None

    @functools.lru_cache(maxsize=64)  # noqa: B019 - one per server; the registry is read once per language pair
    def choices(self, lang: str, original_lang: Optional[str], has_original: bool) -> tuple[list[str], list[str]]:
        if self.configured:
            return self.configured, self.configured
        from .. import models
        from ..engine_choice import default_engines
        from ..engines import apertium

        other = original_lang if has_original else None
        present, _ = models.default_engines(lang, original_lang)
        pairs = [f"apertium:{p}" for p in apertium.pairs_serving(lang, other)]
        default = present or pairs
        if not default:
            default_engines(lang, original_lang, has_original)  # raises the command line's one line: what would
        every = list(dict.fromkeys(default + present + pairs + [f"apertium:{p}" for p in apertium.pairs_serving(lang)]))
        return every, default


def create_app(settings: Settings) -> Starlette:
    from ..fuse import THRESHOLD

    folder = Path(settings.folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    queue = JobQueue(folder, settings.cache, THRESHOLD if settings.threshold is None else settings.threshold)
    engines = Engines(settings.engines)

    async def page(request: Request) -> Response:
        html = _asset("page.html").replace("{{languages}}", _language_options())
        return HTMLResponse(html, headers={**SAFE_HEADERS, "Content-Security-Policy": PAGE_CSP})

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS:
            return _error("no such file", 404)
        return Response(_asset(name), media_type=ASSETS[name], headers=SAFE_HEADERS)

    async def list_engines(request: Request) -> Response:
        try:
            lang = languages.check(request.query_params.get("lang", ""))
            raw = request.query_params.get("original_lang") or None
            original_lang = languages.check(raw) if raw else None
            every, default = await run_in_threadpool(
                engines.choices, lang, original_lang, request.query_params.get("original") in ("1", "true")
            )
        except ToolkitError as err:
            return _error(str(err))
        return JSONResponse({"engines": every, "default": default}, headers=SAFE_HEADERS)

    async def submit(request: Request) -> Response:
        try:
            body = await _body(request)
            try:
                parsed = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                raise BadInput('the body is not JSON: send {"translation": "...", "lang": "en"}') from None
            job = await run_in_threadpool(_prepare, inputs.parse(parsed))
        except BadInput as err:
            return _error(str(err), err.status)
        try:
            queue.submit(job)
        except ToolkitError as err:
            shutil.rmtree(job.folder, ignore_errors=True)
            return _error(str(err), 503)
        return JSONResponse(
            {"job": job.id}, status_code=202, headers={**SAFE_HEADERS, "Location": f"/api/jobs/{job.id}"}
        )

    def _prepare(req: inputs.Request) -> Job:
        """The job for a checked request, its inputs written into its own folder; BadInput when refused."""
        job_id, job_folder = queue.new_folder()
        try:
            text = req.translation or ""  # parse() saw to it that there is a text or an address
            if req.url:
                if not settings.fetch:
                    raise BadInput("this server does not fetch web addresses: save the page and upload the file")
                text = inputs.fetch(req.url)
            translation = inputs.read(
                job_folder / "input", text, req.lang, "translation", req.names.get("translation") or req.url
            )
            original = None
            if req.original is not None and req.original_lang is not None:  # parse() asks for both
                original = inputs.read(
                    job_folder / "input", req.original, req.original_lang, "original", req.names.get("original")
                )
            try:
                every, default = engines.choices(req.lang, req.original_lang, original is not None)
            except ToolkitError as err:
                raise BadInput(str(err)) from None
            specs = list(dict.fromkeys(req.engines or default))
            for spec in specs:
                if spec not in every:
                    raise BadInput(f"unknown engine {spec!r}: this server offers {', '.join(every)}")
                try:
                    queue.engine(spec)  # loaded once per server; a broken one is refused here, not in the queue
                except ToolkitError as err:
                    raise BadInput(str(err)) from None
            return Job(job_id, job_folder, translation, original, specs)
        except BaseException:
            shutil.rmtree(job_folder, ignore_errors=True)
            raise

    async def _body(request: Request) -> bytes:
        """The body, refused (413) past MAX_BODY_BYTES, whether or not it says its length."""
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > inputs.MAX_BODY_BYTES:
            raise BadInput(_too_large(int(declared)), 413)
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > inputs.MAX_BODY_BYTES:
                raise BadInput(_too_large(size), 413)
            chunks.append(chunk)
        return b"".join(chunks)

    def _job(request: Request) -> Optional[Job]:
        job_id = request.path_params["job"]
        return queue.get(job_id) if _JOB_ID.match(job_id) else None

    async def job_state(request: Request) -> Response:
        job = _job(request)
        if job is None:
            return _error("no such job (jobs are kept while the server runs)", 404)
        return JSONResponse(job.as_json(queue.position(job)), headers=SAFE_HEADERS)

    async def job_report(request: Request) -> Response:
        job = _job(request)
        if job is None:
            return _error("no such job (jobs are kept while the server runs)", 404)
        if job.state != "done":
            if job.state == "failed":
                return _error(job.error or "the job failed", 400)
            return _error(f"the job is {job.state}: its report comes when it is done", 409)
        return FileResponse(
            job.folder / "report.html",
            media_type="text/html",
            headers={**SAFE_HEADERS, "Content-Security-Policy": REPORT_CSP},
        )

    async def job_file(request: Request) -> Response:
        job = _job(request)
        name = request.path_params["name"]
        if job is None or name not in ("beads.jsonl", "summary.json", "beads.parquet"):
            return _error("no such file", 404)
        if job.state != "done":
            return _error(f"the job is {job.state}: its files come when it is done", 409)
        path = job.folder / name
        if name == "beads.parquet" and not path.exists():
            try:
                await run_in_threadpool(_parquet, job.folder, path)
            except ToolkitError as err:
                return _error(str(err), 501)
        media = {"beads.parquet": "application/vnd.apache.parquet", "summary.json": "application/json"}
        return FileResponse(
            path, media_type=media.get(name, "application/x-ndjson"), filename=f"{job.id}-{name}", headers=SAFE_HEADERS
        )

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "jobs": len(queue.jobs)}, headers=SAFE_HEADERS)

    routes = [
        Route("/", page),
        Route("/static/{name}", asset),
        Route("/api/engines", list_engines),
        Route("/api/compare", submit, methods=["POST"]),
        Route("/api/jobs/{job}", job_state),
        Route("/api/health", health),
        Route("/jobs/{job}", job_report),
        Route("/jobs/{job}/{name}", job_file),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error, Exception: _server_error})
    app.state.queue = queue
    app.state.settings = settings
    return app


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _error(exc.detail or "request refused", exc.status_code)


async def _server_error(request: Request, exc: Exception) -> Response:
    # never a traceback to the client; the server's log has it
    return _error(f"the server failed on this request ({type(exc).__name__}); its log says more", 500)


def _too_large(size: int) -> str:
    return (
        f"the request has {size:,} bytes (limit {inputs.MAX_BODY_BYTES // (1024 * 1024)} MiB): judge the text in "
        "parts, or run toolkit compare on it"
    )


def _parquet(run_dir: Path, path: Path) -> None:
    from ..export import export_parquet

    try:
        export_parquet(run_dir, path)
    except ImportError as err:
        raise ToolkitError(
            f"the Parquet export needs the export extra (pip install 'toolkit[export]'): {err}"
        ) from None


def _language_options() -> str:
    from html import escape

    options = []
    for code in languages.known():
        name = languages.check(code).english_name
        options.append(f'<option value="{escape(code)}">{escape(name)} ({escape(code)})</option>')
    return "\n".join(options)
