"""`toolkit serve`: a local web page and HTTP API over the same judge as `toolkit compare`.

    POST /api/compare    {"translation", "lang", "original", "original_lang", "engines", "url"} -> 202 {"job": ID}
    GET  /api/jobs/ID    {"state", "progress", "stage", "stages", "error", "result"}; result = compare --format json
    GET  /jobs/ID        the job's report.html;  /jobs/ID/beads.jsonl, /jobs/ID/beads.parquet, /jobs/ID/summary.json
    GET  /api/engines?lang=en[&original_lang=de&original=1]   {"engines": [...], "default": [...]}

Starlette and uvicorn (the `serve` extra) are imported only here, when the server starts.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from pathlib import Path
from typing import Optional

from ..errors import ToolkitError

LOOPBACK = "127.0.0.1"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    host: str = LOOPBACK,
    port: int = 8000,
    folder: str | Path = "runs/serve",
    engines: Optional[list[str]] = None,
    cache: Optional[str] = "",
    threshold: Optional[float] = None,
    fetch: bool = True,
    quiet: bool = False,
) -> None:
    """Serve the page and API until Ctrl-C: on `host` (loopback unless told; else a warning), `port` (0: a free
    one; the URL is printed), jobs under `folder`, requests limited to `engines` when given, renderings through
    `cache` ("" the default file, None none)."""
    try:
        import uvicorn

        from .app import Settings, create_app
    except ImportError as err:
        raise ToolkitError(
            f"toolkit serve needs the serve extra: pip install -e '.[serve]' ({err.name} is missing)"
        ) from None
    if not is_loopback(host):
        print(
            f"toolkit serve: warning: listening on {host}, not only this machine: anyone who can reach port {port} "
            "can submit jobs and read their reports (there is no login)",
            file=sys.stderr,
        )
    sock = bind(host, port)
    port = sock.getsockname()[1]
    app = create_app(Settings(Path(folder), engines, cache, threshold, fetch))
    shown = f"[{host}]" if ":" in host else host
    print(
        f"toolkit serve: listening on http://{shown}:{port}/ (jobs in {Path(folder).resolve()}; Ctrl-C stops)",
        file=sys.stderr,
        flush=True,
    )
    config = uvicorn.Config(
        app, log_level="warning", access_log=not quiet, limit_concurrency=200, timeout_graceful_shutdown=5
    )
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        app.state.queue.close()
        sock.close()


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything loads (port 0: a free one), or one line saying why not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as err:
        sock.close()
        raise ToolkitError(f"cannot listen on {host}:{port} ({err.strerror}): pick another --port or --host") from None
    sock.listen(128)
    return sock
