"""`toolkit serve`: the HTTP API with Starlette's test client and with a real uvicorn on a loopback port.

Tests about the server use a `file:` engine (precomputed round trips made here) so they run in seconds; the one
about matching the command line on the seed uses Apertium, as `make demo` does. Nothing touches the network: web
addresses are tested for being refused, never fetched.
"""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import ROOT, SEED, needs_apertium

pytest.importorskip("starlette", reason="toolkit serve needs the serve extra: pip install -e '.[serve]'")
pytest.importorskip("uvicorn", reason="toolkit serve needs the serve extra: pip install -e '.[serve]'")
httpx = pytest.importorskip("httpx", reason="the API tests need httpx (the serve extra)")

from starlette.testclient import TestClient  # noqa: E402

from toolkit.cli import main  # noqa: E402
from toolkit.segment import segment_text  # noqa: E402
from toolkit.serve import inputs  # noqa: E402
from toolkit.serve.app import Settings, create_app  # noqa: E402
from toolkit.serve.inputs import BadInput, check_url  # noqa: E402
from toolkit.serve.jobs import Job  # noqa: E402
from toolkit.serve.live import Background  # noqa: E402

ARTICLE = ("Minsk - The army of Belarus has 90,000 soldiers, the president said on Monday.\n"
           "He does not want a war with Ukraine. The border is calm.\n"
           "Poland has moved 10,000 troops to the east.")
# what the "engine" says each sentence means: one number changed, one negation dropped, the rest as written
CHANGES = {"90,000": "9,000", "does not want": "wants"}


def renderings_tsv(text: str, path: Path) -> Path:
    """A file: engine of round trips of every sentence of `text`: source TAB rendering."""
    lines = []
    for sentence in segment_text(text, "en").sentences:
        rendering = sentence
        for old, new in CHANGES.items():
            rendering = rendering.replace(old, new)
        lines.append(f"{sentence}\t{rendering}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def wait(client, job: str, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        state = client.get(f"/api/jobs/{job}").json()
        if state["state"] in ("done", "failed"):
            return state
        assert time.monotonic() < deadline, f"job {job} still {state['state']} after {timeout} s"
        time.sleep(0.05)


def comparable(result: dict) -> dict:
    """compare --format json without what differs between any two runs: where it was written, when, the cache's
    counts and the document's name (a file's path for the CLI, "pasted text" for the page)."""
    summary = {k: v for k, v in result["summary"].items() if k not in ("created", "cache")}
    summary["translation"] = {k: v for k, v in summary["translation"].items() if k != "path"}
    return {"summary": summary, "beads": result["beads"]}


def cli_json(capsys, *args) -> dict:
    capsys.readouterr()
    assert main(["compare", *map(str, args), "--format", "json", "-q"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    engine = f"file:{renderings_tsv(ARTICLE, folder / 'renderings.tsv')}"
    app = create_app(Settings(folder / "server", engines=[engine], cache=str(folder / "cache.sqlite")))
    with TestClient(app) as client:
        yield client, engine, folder


def test_a_job_gives_what_compare_json_prints(setup, capsys, tmp_path):
    client, engine, folder = setup
    answer = client.post("/api/compare", json={"translation": ARTICLE, "lang": "en"})
    assert answer.status_code == 202 and answer.headers["location"] == f"/api/jobs/{answer.json()['job']}"
    state = wait(client, answer.json()["job"])
    assert state["state"] == "done" and state["error"] is None and state["progress"] == 1.0
    assert [s["stage"] for s in state["stages"]] == ["signals", "fusion"]  # file: engines render no stage
    result = state["result"]
    assert set(result) == {"out", "summary", "beads"}
    # the run folder is the job's own, under the server's folder
    out = Path(result["out"])
    assert out.parent == (folder / "server" / "jobs").resolve() and out.name == state["job"]
    assert {p.name for p in out.iterdir()} >= {"beads.jsonl", "summary.json", "report.html", "input"}

    source = tmp_path / "article.en.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    cli = cli_json(capsys, source, "--lang", "en", "--engine", engine, "--out", tmp_path / "run",
                   "--cache", folder / "cache.sqlite")
    assert comparable(result) == comparable(cli)
    flagged = [b["translation"] for b in result["beads"] if b["flag"]]
    assert any("90,000" in t for t in flagged) and any("does not want" in t for t in flagged)

    report = client.get(f"/jobs/{state['job']}")
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in report.headers["content-security-policy"]
    assert report.text == (out / "report.html").read_text(encoding="utf-8")
    beads = client.get(f"/jobs/{state['job']}/beads.jsonl")
    assert [json.loads(line) for line in beads.text.splitlines()] == result["beads"]
    assert "attachment" in beads.headers["content-disposition"]


def test_the_parquet_export_downloads(setup):
    pytest.importorskip("datasets", reason="the Parquet export needs the export extra")
    pyarrow = pytest.importorskip("pyarrow")
    client, _, folder = setup
    state = wait(client, client.post("/api/compare", json={"translation": ARTICLE, "lang": "en"}).json()["job"])
    answer = client.get(f"/jobs/{state['job']}/beads.parquet")
    assert answer.status_code == 200
    path = folder / "downloaded.parquet"
    path.write_bytes(answer.content)
    table = pyarrow.parquet.read_table(path)
    assert table.num_rows == len(state["result"]["beads"])


def test_the_page_is_served_with_its_assets_and_a_strict_policy(setup):
    client, engine, _ = setup
    page = client.get("/")
    assert page.status_code == 200 and 'id="translation"' in page.text and 'value="en"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "<script>" not in page.text  # no inline script: the policy would block it
    for name in ("page.js", "page.css"):
        assert client.get(f"/static/{name}").status_code == 200
    assert client.get("/static/..%2fapp.py").status_code == 404
    assert client.get("/api/engines?lang=en").json() == {"engines": [engine], "default": [engine]}


BAD = [
    ({"translation": "", "lang": "en"}, 400, "empty"),
    ({"translation": "  \n ", "lang": "en"}, 400, "empty"),
    ({"lang": "en"}, 400, "empty"),
    ({"translation": "PNG\x00\x01\x02 binary", "lang": "en"}, 400, "binary"),
    ({"translation": ARTICLE, "lang": "xx"}, 400, "unknown language code"),
    ({"translation": ARTICLE}, 400, "lang"),
    ({"translation": "Die Armee von Belarus hat 90.000 Soldaten, sagte der Präsident am Montag. Er will keinen "
                     "Krieg mit der Ukraine.", "lang": "en"}, 400, "reads as German"),
    ({"translation": ARTICLE, "lang": "en", "engines": ["apertium:eng-spa"]}, 400, "unknown engine"),
    ({"translation": ARTICLE, "lang": "en", "engines": ["file:/etc/passwd"]}, 400, "unknown engine"),
    ({"translation": ARTICLE, "lang": "en", "engines": "file:/etc/passwd"}, 400, "list of engine specs"),
    ({"translation": ARTICLE, "lang": "en", "original": "Die Armee."}, 400, "original needs its language"),
    ({"translation": ARTICLE, "lang": "en", "original": "The army.", "original_lang": "en"}, 400, "both en"),
    ({"translation": 42, "lang": "en"}, 400, "must be a string"),
    ({"translation": "word " * 50_000, "lang": "en"}, 413, "limit 200,000"),
    ({"translation": "", "lang": "en", "url": "file:///etc/passwd"}, 400, "only http:// and https://"),
    ({"translation": "", "lang": "en", "url": "http://127.0.0.1:8000/api/health"}, 400, "loopback"),
    ({"translation": "", "lang": "en", "url": "http://[::1]/"}, 400, "loopback"),
    ({"translation": "", "lang": "en", "url": "http://169.254.169.254/latest/meta-data"}, 400, "link-local"),
    ({"translation": "", "lang": "en", "url": "http://10.1.2.3/"}, 400, "private"),
    ([ARTICLE], 400, "JSON object"),
]


@pytest.mark.parametrize("body,status,words", BAD, ids=[w for _, _, w in BAD])
def test_bad_input_answers_one_line(setup, body, status, words):
    client, _, folder = setup
    before = set((folder / "server" / "jobs").glob("*"))
    answer = client.post("/api/compare", json=body)
    assert answer.status_code == status
    error = answer.json()["error"]
    assert words in error and "\n" not in error and "Traceback" not in error
    assert str(folder / "server") not in error  # the files the server wrote are not named
    assert set((folder / "server" / "jobs").glob("*")) == before  # a refused request leaves nothing behind


def test_bodies_over_the_cap_are_refused_with_or_without_a_length(setup):
    client, _, _ = setup
    big = b"x" * (inputs.MAX_BODY_BYTES + 1)
    answer = client.post("/api/compare", content=big, headers={"content-type": "application/json"})
    assert answer.status_code == 413 and "limit 5 MiB" in answer.json()["error"]

    def chunks():  # no Content-Length: the server counts as it reads
        for _ in range(6):
            yield b"x" * (1024 * 1024)

    answer = client.post("/api/compare", content=chunks())
    assert answer.status_code == 413 and "limit 5 MiB" in answer.json()["error"]
    assert client.post("/api/compare", content=b"{no json").json()["error"].startswith("the body is not JSON")


def test_a_job_that_fails_says_why_in_one_line(setup):
    client, _, _ = setup  # the server's file: engine has no rendering of these sentences: the run stops
    job = client.post("/api/compare", json={"translation": "The weather is fine. Nobody came.", "lang": "en"})
    state = wait(client, job.json()["job"])
    assert state["state"] == "failed" and state["result"] is None
    assert "has no rendering for 2 sentence(s)" in state["error"] and "\n" not in state["error"]
    answer = client.get(f"/jobs/{state['job']}")
    assert answer.status_code == 400 and answer.json()["error"] == state["error"]
    assert client.get(f"/jobs/{state['job']}/beads.jsonl").status_code == 409


def test_unknown_jobs_and_routes_answer_json_not_a_page(setup):
    client, _, _ = setup
    for path in ("/api/jobs/0123456789abcdef", "/api/jobs/..%2f..%2fetc", "/jobs/../../etc/passwd",
                 "/jobs/0123456789abcdef/beads.jsonl", "/nowhere"):
        answer = client.get(path)
        assert answer.status_code == 404 and "error" in answer.json(), path
    assert client.get("/api/compare").status_code == 405


def test_every_text_is_escaped_in_the_report(setup, tmp_path):
    client, _, _ = setup
    hostile = 'The army has <script>alert("x")</script> 90,000 soldiers and <img src=x onerror=alert(1)> tanks.'
    engine = f"file:{renderings_tsv(hostile, tmp_path / 'h.tsv')}"
    app = create_app(Settings(tmp_path / "server", engines=[engine], cache=None))
    with TestClient(app) as hostile_client:
        name = "../<img src=y onerror=alert(2)>.txt"
        state = wait(hostile_client, hostile_client.post(
            "/api/compare", json={"translation": hostile, "lang": "en", "translation_name": name}).json()["job"])
        assert state["state"] == "done", state["error"]
        report = hostile_client.get(f"/jobs/{state['job']}").text
    assert '<script>alert("x")' not in report and "<img src=x" not in report
    assert "&lt;script&gt;" in report
    # the upload's name is a label without its folders, and escaped like every other text
    assert state["result"]["summary"]["translation"]["path"] == "<img src=y onerror=alert(2)>.txt"
    assert "<img src=y" not in report and "&lt;img src=y" in report


def test_addresses_are_fetched_only_when_public():
    def resolves_to(address):
        return lambda host, port, type=0: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    for address, why in (("10.0.0.5", "private"), ("192.168.1.1", "private"), ("127.0.0.2", "loopback"),
                         ("100.64.0.1", "non-public"), ("0.0.0.0", "unspecified")):
        with pytest.raises(BadInput, match=why):
            check_url("http://intranet.example/page", resolve=resolves_to(address))
    assert check_url("https://news.example/a", resolve=resolves_to("93.184.215.14")) == "https://news.example/a"
    for url, why in (("ftp://news.example/", "only http"), ("javascript:alert(1)", "only http"),
                     ("http://user:pw@news.example/", "user name"), ("http:///path", "no host")):
        with pytest.raises(BadInput, match=why):
            check_url(url, resolve=resolves_to("93.184.215.14"))
    with pytest.raises(BadInput, match="loopback"):  # a redirect is checked as the first address was
        inputs._CheckedRedirects().redirect_request(None, None, 302, "Found", {}, "http://localhost/admin")


def test_progress_goes_by_stage_and_never_backwards(tmp_path):
    job = Job("0" * 16, tmp_path, segment_text("One.", "en"), None, ["apertium:eng-spa", "apertium:eng-cat"])
    seen = []
    for stage, done, total in [("apertium:eng-spa en->es", 0, 10), ("apertium:eng-spa en->es", 10, 10),
                               ("apertium:eng-spa es->en", 10, 10), ("apertium:eng-cat en->ca", 5, 10),
                               ("apertium:eng-cat en->ca", 10, 10), ("apertium:eng-cat ca->en", 10, 10),
                               ("signals", 3, 10), ("signals", 10, 10), ("fusion", 10, 10)]:
        job.report(stage, done, total)
        seen.append(job.progress)
        assert job.stage == stage
    assert seen == sorted(seen) and 0 <= seen[0] < 0.1 and seen[5] == pytest.approx(0.6) and seen[-1] == 0.99
    assert [s["stage"] for s in job.as_json()["stages"]][-2:] == ["signals", "fusion"]


def test_twenty_jobs_at_once_on_loopback_all_complete_as_the_cli(tmp_path, capsys):
    """The load test: 20 submissions at the same moment over real HTTP; every job completes, none is lost, each
    result is the CLI's, the engine was loaded once, and memory does not grow with the jobs."""
    psutil = pytest.importorskip("psutil", reason="measuring memory needs psutil (the batch extra)")
    texts = [ARTICLE.replace("Monday", day) for day in ("Monday", "Tuesday", "Wednesday", "Thursday")]
    tsv = tmp_path / "r.tsv"
    lines = set()
    for text in texts:
        renderings_tsv(text, tsv)
        lines.update(tsv.read_text(encoding="utf-8").splitlines())
    tsv.write_text("\n".join(sorted(lines)) + "\n", encoding="utf-8")
    engine = f"file:{tsv}"
    expected = []
    for number, text in enumerate(texts):
        source = tmp_path / f"a{number}.en.txt"
        source.write_text(text, encoding="utf-8")
        expected.append(comparable(cli_json(capsys, source, "--lang", "en", "--engine", engine,
                                            "--out", tmp_path / f"cli{number}", "--cache", tmp_path / "c.sqlite")))
    app = create_app(Settings(tmp_path / "server", engines=[engine], cache=str(tmp_path / "c.sqlite")))
    process = psutil.Process()
    with Background(app) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        state = wait(client, client.post("/api/compare", json={"translation": texts[0], "lang": "en"}).json()["job"])
        assert state["state"] == "done"
        rss_before = process.memory_info().rss
        start = threading.Barrier(20)

        def submit(number: int):
            start.wait()  # all 20 at the same moment
            return number, client.post("/api/compare", json={"translation": texts[number % 4], "lang": "en"})

        began = time.monotonic()
        with ThreadPoolExecutor(20) as pool:
            answers = list(pool.map(submit, range(20)))
        assert [a.status_code for _, a in answers] == [202] * 20
        jobs = {a.json()["job"]: number for number, a in answers}
        assert len(jobs) == 20
        states = {job: wait(client, job) for job in jobs}
        took = time.monotonic() - began
        rss_after = process.memory_info().rss
    assert all(s["state"] == "done" for s in states.values()), [s["error"] for s in states.values()]
    for job, number in jobs.items():
        assert comparable(states[job]["result"]) == expected[number % 4]
    assert len({s["result"]["out"] for s in states.values()}) == 20  # one run folder each
    assert list(app.state.queue._engines) == [engine]  # loaded once for all of them
    growth = (rss_after - rss_before) / 2**20
    print(f"\n20 concurrent jobs on loopback: all done in {took:.1f} s; RSS {rss_before / 2**20:.0f} -> "
          f"{rss_after / 2**20:.0f} MiB")
    assert growth < 100, f"memory grew by {growth:.0f} MiB over 20 jobs"


@needs_apertium
def test_the_seed_from_the_api_is_the_cli_run(tmp_path, capsys):
    """The seed with the default Apertium round trips: the API's result is `toolkit compare --format json`'s.
    The server runs first, on an empty cache, so its progress goes through every rendering stage."""
    cache = tmp_path / "cache.sqlite"
    app = create_app(Settings(tmp_path / "server", cache=str(cache)))
    with TestClient(app) as client:
        engines = client.get("/api/engines?lang=en").json()
        assert engines["default"] == ["apertium:eng-spa", "apertium:eng-cat"]  # the CLI's defaults, without models
        state = wait(client, client.post("/api/compare", json={
            "translation": SEED.read_text(encoding="utf-8"), "lang": "en"}).json()["job"])
    assert state["state"] == "done", state["error"]
    assert [s["stage"] for s in state["stages"]] == [
        "apertium:eng-spa en->es", "apertium:eng-spa es->en", "apertium:eng-cat en->ca", "apertium:eng-cat ca->en",
        "signals", "fusion"]
    assert all(s["done"] == s["total"] for s in state["stages"])
    cli = cli_json(capsys, SEED, "--lang", "en", "--engine", "apertium:eng-spa", "--engine", "apertium:eng-cat",
                   "--out", tmp_path / "cli", "--cache", cache)
    assert comparable(state["result"]) == comparable(cli)
    assert state["result"]["summary"]["flagged"] > 0


def test_the_cli_starts_without_the_web_stack_and_serve_prints_its_url(tmp_path):
    loaded = subprocess.run([sys.executable, "-c", "import sys, toolkit.cli; "
                             "print(any(m.split('.')[0] in ('starlette', 'uvicorn') for m in sys.modules))"],
                            capture_output=True, text=True, cwd=ROOT, check=True).stdout.strip()
    assert loaded == "False"
    engine = f"file:{renderings_tsv(ARTICLE, tmp_path / 'r.tsv')}"
    process = subprocess.Popen([sys.executable, "-m", "toolkit", "serve", "--host", "0.0.0.0", "--port", "0",
                                "--folder", str(tmp_path / "server"), "--engine", engine, "--no-cache"],
                               stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        lines = [process.stderr.readline(), process.stderr.readline()]
        assert "warning: listening on 0.0.0.0" in lines[0]
        assert lines[1].startswith("toolkit serve: listening on http://0.0.0.0:")
        port = int(lines[1].split("http://0.0.0.0:")[1].split("/")[0])
        assert httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=10).json()["ok"] is True
    finally:
        process.terminate()
        process.wait(10)
