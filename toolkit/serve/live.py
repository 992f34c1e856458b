"""The server in a background thread on a free loopback port: for tests, and for a program that embeds it."""

from __future__ import annotations

import threading
import time

from . import bind


class Background:
    """uvicorn serving `app` from a thread; `url` once started; stop() ends it."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0, timeout: float = 20.0):
        import uvicorn

        self.app = app
        self._socket = bind(host, port)
        self.url = f"http://{host}:{self._socket.getsockname()[1]}"
        self.server = uvicorn.Server(
            uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=2)
        )
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self._socket]}, daemon=True, name="toolkit-serve-uvicorn"
        )
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self._socket.close()
        queue = getattr(self.app.state, "queue", None)
        if queue is not None:
            queue.close()

    def __enter__(self) -> "Background":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
