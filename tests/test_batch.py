"""`toolkit batch`: bad input stops before any work; on a simulated two-node Ray cluster the pairs get the
verdicts `score` gives them, documents are rendered and judged, both with the default cache (its file in the
test's folder, through $TOOLKIT_CACHE), and a job killed after its first shard finishes the rest, and only the
rest, when restarted with the same arguments.

Ray takes long to start here, so one two-node cluster (ray.cluster_utils.Cluster) serves the module; a single
test starts the command's own local Ray, as a user's first run would.
"""
import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT, needs_apertium

from toolkit.batch import BatchSpec, run
from toolkit.batch.inputs import read_corpus
from toolkit.cli import main
from toolkit.errors import ToolkitError
from toolkit.schema import SEVERITIES
from toolkit.score import score_records

PAIRS = [
    {"id": 1, "translation": "The army has 90,000 soldiers and is not ready.",
     "renderings": ["The army has 45,000 soldiers and is ready.", "The army has 45,000 troops and is ready."],
     "lang": "en", "source": "Die Armee hat 45.000 Soldaten und ist bereit."},
    {"id": "b", "translation": "The army has 45,000 soldiers and is ready.",
     "renderings": {"a": "The army has 45,000 soldiers and is ready.", "b": "The army has 45,000 troops and is ready."},
     "lang": "en"},
    {"id": 3, "translation": "Die Armee hat 45.000 Soldaten.", "renderings": ["Die Armee hat 45.000 Soldaten."],
     "lang": "de"},
    {"id": 4, "translation": "The minister resigned on Monday.", "renderings": ["The minister stepped down on Monday."],
     "lang": "en"},
    {"id": 5, "translation": "Prices rose by three percent in May.",
     "renderings": ["Prices rose by 3 percent in May.", "Prices went up three percent in May."], "lang": "en"},
]


@pytest.fixture(autouse=True)
def cache_file(tmp_path, monkeypatch):
    """The default cache, as a user's run has it, but in the test's folder: the driver hands $TOOLKIT_CACHE to
    the workers, and subprocesses inherit it."""
    path = tmp_path / "cache.sqlite"
    monkeypatch.setenv("TOOLKIT_CACHE", str(path))
    return path


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def shard_rows(out):
    import pyarrow.parquet as pq

    return [row for path in sorted((out / "shards").glob("*.parquet")) for row in pq.read_table(path).to_pylist()]


# --- bad input: one line, before Ray starts ---------------------------------------------------------------

def _error_line(capsys, *argv):
    code = main(["batch", *argv])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1, err
    return err[0]


def test_bad_input_is_one_line_before_any_work(tmp_path, capsys):
    out = str(tmp_path / "out")
    assert "does not exist" in _error_line(capsys, str(tmp_path / "missing.jsonl"), "--out", out)
    (tmp_path / "pairs.csv").write_text("translation,renderings\n", encoding="utf-8")
    assert "unknown format .csv" in _error_line(capsys, str(tmp_path / "pairs.csv"), "--out", out)
    wrong = write_jsonl(tmp_path / "wrong.jsonl", [{"text": "a", "mt": ["b"]}])
    assert "no \"translation\" column" in _error_line(capsys, str(wrong), "--out", out)
    pairs = write_jsonl(tmp_path / "pairs.jsonl", PAIRS[:2] + [{"translation": "x", "renderings": 3}])
    assert "pairs.jsonl:3" in _error_line(capsys, str(pairs), "--out", out)
    pairs = write_jsonl(tmp_path / "pairs.jsonl", PAIRS)
    assert "leave out --engine" in _error_line(capsys, str(pairs), "--out", out, "--engine", "apertium:eng-spa")
    docs = write_jsonl(tmp_path / "docs.jsonl", [{"translation": "One. Two.", "lang": "en"}])
    assert "--engine" in _error_line(capsys, str(docs), "--out", out)
    assert "unknown engine spec" in _error_line(capsys, str(docs), "--out", out, "--engine", "google:x")
    assert "rendering file" in _error_line(capsys, str(docs), "--out", out, "--engine", f"file:{tmp_path / 'no.tsv'}")
    nolang = write_jsonl(tmp_path / "nolang.jsonl", [{"translation": "One. Two."}])
    assert "--lang" in _error_line(capsys, str(nolang), "--out", out, "--engine", "apertium:eng-spa")
    assert "--threads" in _error_line(capsys, str(pairs), "--out", out, "--threads", "0")
    assert "--workers" in _error_line(capsys, str(pairs), "--out", out, "--workers", "0")
    assert not (tmp_path / "out").exists()  # nothing was started, so nothing was written


def test_parquet_and_saved_datasets_read_as_jsonl_does(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    records = [{**r, "renderings": list(r["renderings"].values()) if isinstance(r["renderings"], dict)
                else r["renderings"], "id": str(r["id"])} for r in PAIRS]
    jsonl = read_corpus(write_jsonl(tmp_path / "p.jsonl", records))
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "p.parquet")
    parquet = read_corpus(tmp_path / "p.parquet")
    assert (parquet.format, parquet.kind) == ("parquet", "pairs")
    assert [json.loads(r) for r in parquet.records] == [json.loads(r) for r in jsonl.records]
    datasets = pytest.importorskip("datasets")
    datasets.Dataset.from_list(records).save_to_disk(str(tmp_path / "saved"))
    saved = read_corpus(tmp_path / "saved")
    assert saved.format == "hf" and [json.loads(r) for r in saved.records] == [json.loads(r) for r in jsonl.records]
    datasets.DatasetDict({"a": datasets.Dataset.from_list(records), "b": datasets.Dataset.from_list(records)}
                         ).save_to_disk(str(tmp_path / "splits"))
    with pytest.raises(ToolkitError, match="--split"):
        read_corpus(tmp_path / "splits")
    assert len(read_corpus(tmp_path / "splits", split="b").records) == len(records)


# --- on Ray ----------------------------------------------------------------------------------------------

def _job_env(mark):
    """The command's environment: its own local Ray, this checkout's toolkit in the driver and in every worker
    (the environment may have another copy installed), and a mark that every process it starts inherits."""
    return {**os.environ, "RAY_ADDRESS": "", "PYTHONPATH": str(ROOT), "TOOLKIT_TEST_JOB": mark}


def _processes_of(mark, also=()):
    """The live processes of a job: those that carry its mark, and those seen below it while it ran (Ray's
    agents rename themselves over their environment, so the mark cannot be read from them)."""
    import psutil

    alive = {}
    for process in [*psutil.process_iter(), *also]:
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                continue
            if process in also or process.environ().get("TOOLKIT_TEST_JOB") == mark:
                alive[process.pid] = process
        except (psutil.Error, OSError):
            continue
    return list(alive.values())


def _none_left(mark, also=(), wait=30.0):
    """The job's processes still alive once they had `wait` seconds to end (polled; killed after, so that a
    failing test leaves nothing running)."""
    import time

    import psutil

    deadline = time.monotonic() + wait
    while (left := _processes_of(mark, also)) and time.monotonic() < deadline:
        time.sleep(0.5)
    names = []
    for process in left:
        try:
            names.append(f"{process.pid} {process.name()}")
            process.kill()
        except psutil.Error:
            pass
    return names


def test_the_command_starts_its_own_ray_by_default(tmp_path):
    """A healthy run: its own Ray, started and ended; nothing on standard error but its own lines (no Ray log
    line, no warning), and no process of it left."""
    pytest.importorskip("ray", reason="toolkit batch needs Ray Data: pip install -e .[batch]")
    source = write_jsonl(tmp_path / "pairs.jsonl", PAIRS[:2])
    mark = f"healthy-{os.getpid()}-{tmp_path.name}"
    done = subprocess.run([sys.executable, "-m", "toolkit", "batch", str(source), "--out", str(tmp_path / "out"),
                           "--workers", "1"], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env=_job_env(mark))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "2 pairs judged (1 shards now, 0 kept from before)" in done.stdout
    assert len(shard_rows(tmp_path / "out")) == 2
    assert done.stderr.splitlines() == ["toolkit batch: shard 0 written (2 rows; 1/1 shards done)"]
    assert _none_left(mark) == []


def _started_job(tmp_path, mark):
    """`toolkit batch` on a job that would run for many minutes, as a terminal runs it (its own process group),
    once it has written its first shard: its workers are judging. Returns the process, the processes below it
    then, and a queue of its standard error's lines."""
    import queue
    import threading

    import psutil

    source = write_jsonl(tmp_path / "long.jsonl", [
        {"translation": f"The army has {k} soldiers and {k + 1} tanks.",
         "renderings": [f"The army has {k + 7} soldiers."], "lang": "en"} for k in range(2000)])
    command = subprocess.Popen([sys.executable, "-m", "toolkit", "batch", str(source), "--out", str(tmp_path / "out"),
                                "--workers", "2", "--shard-rows", "2", "--batch-rows", "2"],
                               cwd=ROOT, env=_job_env(mark), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    lines: queue.Queue = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in command.stderr], daemon=True)
    reader.start()
    try:
        while "written" not in lines.get(timeout=300):
            pass
    except queue.Empty:
        command.kill()
        pytest.fail("the job wrote no shard in 300 s")
    below = psutil.Process(command.pid).children(recursive=True)
    names = {p.name() for p in below}
    assert "raylet" in names and "gcs_server" in names and any(n.startswith("ray::") for n in names), names
    return command, below, lines, reader


@pytest.mark.parametrize("how", ["ctrl-c", "kill"])
def test_an_interrupted_or_killed_job_leaves_no_process(tmp_path, how):
    """Ctrl-C (SIGINT to the command's process group, as a terminal sends it) or SIGKILL of the driver while the
    workers judge: the command ends, and with it every process of its Ray (GCS, raylet, agents, workers,
    actors and their parsers); the shards written are kept."""
    pytest.importorskip("ray", reason="toolkit batch needs Ray Data: pip install -e .[batch]")
    pytest.importorskip("psutil")
    mark = f"{how}-{os.getpid()}-{tmp_path.name}"
    command, below, lines, reader = _started_job(tmp_path, mark)
    if how == "ctrl-c":
        os.killpg(command.pid, signal.SIGINT)
    else:
        os.kill(command.pid, signal.SIGKILL)
    try:
        code = command.wait(timeout=60)
    except subprocess.TimeoutExpired:
        command.kill()
        code = None
    left = _none_left(mark, below)
    assert left == []
    if how == "ctrl-c":
        assert code == 1
        reader.join(timeout=10)  # the command has ended: its standard error is read to the end
        said = []
        while not lines.empty():
            said.append(lines.get())
        assert "interrupted; the shards written" in said[-1] and "rerun the same command" in said[-1], said
    else:
        assert code == -signal.SIGKILL
    assert sorted((tmp_path / "out" / "shards").glob("*.parquet"))  # what was written is kept


@pytest.fixture(scope="module")
def cluster():
    """Two simulated nodes of one CPU each, shared by the module's tests (Ray starts slowly)."""
    pytest.importorskip("ray", reason="toolkit batch needs Ray Data: pip install -e .[batch]")
    import ray
    from ray.cluster_utils import Cluster

    two = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False,
                                                        "object_store_memory": 200 * 1024 * 1024})
    two.add_node(num_cpus=1, object_store_memory=200 * 1024 * 1024)
    ray.init(address=two.address, logging_level="WARNING", log_to_driver=False)

    @ray.remote(num_cpus=0)
    def toolkit_file():
        import toolkit

        return toolkit.__file__

    # the workers judge with this checkout's toolkit (they start in the driver's folder and get its sys.path),
    # not with another copy the environment has installed
    assert ray.get(toolkit_file.remote()) == str(ROOT / "toolkit" / "__init__.py")
    yield two
    ray.shutdown()
    two.shutdown()


def test_pairs_get_the_verdicts_score_gives_on_two_nodes(tmp_path, cluster, cache_file):
    import sqlite3

    source = write_jsonl(tmp_path / "pairs.jsonl", PAIRS)
    result = run(BatchSpec(source, tmp_path / "out", address=cluster.address, workers=2, shard_rows=2,
                           batch_rows=1, quiet=True))
    assert len(result.shards) == 3 and result.judged == [0, 1, 2] and result.resumed == []
    assert len(result.nodes) == 2  # both nodes judged: one actor on each
    rows = shard_rows(tmp_path / "out")
    expected = score_records([(r, f"r{k}") for k, r in enumerate(PAIRS)])
    assert [r["row"] for r in rows] == list(range(len(PAIRS)))
    assert [r["id"] for r in rows] == [str(r["id"]) for r in PAIRS]
    for got, want in zip(rows, expected):
        assert got["divergence"] == pytest.approx(want["divergence"], abs=1e-6)
        assert (got["flag"], SEVERITIES[got["severity"]]) == (want["flag"], want["severity"])
        assert [r["signal"] for r in got["reasons"]] == [r["signal"] for r in want["reasons"]]
        assert got["error"] is None
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["rows"] == len(PAIRS) and summary["flagged"] == sum(w["flag"] for w in expected)
    assert isinstance(summary["signature"], str) and "fusion:" in summary["signature"]
    # both nodes' actors kept their measured pairs in the one cache file (the simulated nodes share this disk)
    with sqlite3.connect(cache_file) as db:
        assert db.execute("SELECT COUNT(*) FROM judged").fetchone()[0] == len(PAIRS)
    again = run(BatchSpec(source, tmp_path / "out", address=cluster.address, workers=2, shard_rows=2, quiet=True))
    assert again.judged == [] and again.resumed == [0, 1, 2] and again.summary["rows"] == len(PAIRS)
    with pytest.raises(ToolkitError, match="other arguments .*shard_rows"):
        run(BatchSpec(source, tmp_path / "out", address=cluster.address, shard_rows=3, quiet=True))


KILLED_AFTER_FIRST_SHARD = textwrap.dedent("""
    import os, signal, sys
    from toolkit.batch import BatchSpec, run

    def kill(done):
        os.kill(os.getpid(), signal.SIGKILL)  # as a job killed from outside: no cleanup, no summary

    run(BatchSpec(sys.argv[1], sys.argv[2], address=sys.argv[3], workers=1, shard_rows=1, batch_rows=1,
                  quiet=True), on_shard=kill)
""")


def test_a_killed_job_finishes_only_the_remaining_shards(tmp_path, cluster):
    source = write_jsonl(tmp_path / "pairs.jsonl", PAIRS)
    out = tmp_path / "out"
    killed = subprocess.run([sys.executable, "-c", KILLED_AFTER_FIRST_SHARD, str(source), str(out), cluster.address],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    first = sorted((out / "shards").glob("*.parquet"))
    assert len(first) == 1 and not (out / "summary.json").exists()
    stamp = first[0].stat().st_mtime_ns
    code = main(["batch", str(source), "--out", str(out), "--address", cluster.address, "--workers", "1",
                 "--shard-rows", "1", "--batch-rows", "1", "-q"])
    assert code == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["shards"] == {"total": 5, "judged_now": 4, "resumed": 1, "rows": 1}
    assert first[0].stat().st_mtime_ns == stamp  # the kept shard was not judged again
    rows = shard_rows(out)
    assert [r["row"] for r in rows] == list(range(len(PAIRS)))
    expected = score_records([(r, f"r{k}") for k, r in enumerate(PAIRS)])
    assert [r["divergence"] for r in rows] == pytest.approx([e["divergence"] for e in expected], abs=1e-6)


def test_documents_are_rendered_by_actors_and_judged(tmp_path, cluster):
    # precomputed round trips, looked up by sentence: one file engine serves every document
    table = {"The army has 90,000 soldiers.": "The army has 45,000 soldiers.",
             "It is ready.": "It is ready.",
             "The minister resigned on Monday.": "The minister stepped down on Monday.",
             "Prices rose in May.": "Prices rose in May."}
    tsv = tmp_path / "rt.tsv"
    tsv.write_text("".join(f"{s}\t{r}\n" for s, r in table.items()), encoding="utf-8")
    docs = write_jsonl(tmp_path / "docs.jsonl", [
        {"id": "a", "translation": "The army has 90,000 soldiers. It is ready.", "lang": "en"},
        {"id": "b", "translation": "The minister resigned on Monday.\nPrices rose in May.", "lang": "en"},
        {"id": "c", "translation": "A sentence nobody rendered.", "lang": "en"},
    ])
    result = run(BatchSpec(docs, tmp_path / "out", engines=(f"file:{tsv}",), address=cluster.address, workers=1,
                           shard_rows=2, use_cache=False, quiet=True))
    rows = shard_rows(tmp_path / "out")
    assert [r["id"] for r in rows] == ["a", "b", "c"]
    assert [r["beads_count"] for r in rows] == [2, 2, 0] and [r["sentences"] for r in rows] == [2, 2, 0]
    first = rows[0]["beads"]
    assert first[0]["flag"] and not first[1]["flag"]  # 90,000 against 45,000 is flagged; the rest is not
    assert "numbers" in {r["signal"] for r in first[0]["reasons"]}
    assert first[0]["renderings"][0]["text"] == "The army has 45,000 soldiers."
    assert rows[2]["error"] and "no rendering" in rows[2]["error"]
    assert result.summary["errors"] == 1 and result.summary["beads"] == 4
    assert result.summary["first_errors"][0]["row"] == 2
    # a shard's beads and the export of the same document through compare: the same columns, types and values
    import pyarrow.parquet as pq

    from toolkit import export, pipeline
    from toolkit.output import write_run
    from toolkit.segment import segment_text

    compared = pipeline.compare(segment_text("The army has 90,000 soldiers. It is ready.", "en"), [f"file:{tsv}"])
    exported = export.export_parquet(write_run(compared, tmp_path / "run"), tmp_path / "seed.parquet")
    shard = pq.read_table(sorted((tmp_path / "out" / "shards").glob("*.parquet"))[0])
    bead_type = shard.schema.field("beads").type.value_type
    export_schema = pq.read_schema(exported)
    assert [bead_type.field(k).name for k in range(bead_type.num_fields)] == export_schema.names
    assert all(bead_type.field(name).type == export_schema.field(name).type for name in export_schema.names)
    export_rows = pq.read_table(exported).to_pylist()
    assert [(b["divergence"], b["flag"], b["severity"], b["reasons"]) for b in first] == \
        [(b["divergence"], b["flag"], b["severity"], b["reasons"]) for b in export_rows]


@needs_apertium
def test_documents_with_the_default_cache_on_two_nodes(tmp_path, cluster, cache_file):
    """An MT engine that renders through the cache (the file engine does not), in actors on both nodes: the
    renderings are kept in the cache file and a second job is served from it."""
    import sqlite3

    docs = write_jsonl(tmp_path / "docs.jsonl", [
        {"id": k, "translation": text, "lang": "en"} for k, text in enumerate([
            "The army has 90,000 soldiers. It is ready.", "The minister resigned on Monday.",
            "Prices rose in May.\nThe bank raised its rates.", "The river flooded the old town."])])
    argv = ["--engine", "apertium:eng-spa", "--address", cluster.address, "--workers", "2", "--shard-rows", "2",
            "--batch-rows", "32", "-q"]  # 32 rows: one document a batch, so both actors get some
    assert main(["batch", str(docs), "--out", str(tmp_path / "first"), *argv]) == 0
    rows = shard_rows(tmp_path / "first")
    assert [r["beads_count"] for r in rows] == [2, 1, 2, 1] and all(r["error"] is None for r in rows)
    with sqlite3.connect(cache_file) as db:
        kept = db.execute("SELECT src, tgt, COUNT(*) FROM renderings GROUP BY src, tgt").fetchall()
        assert sorted(kept) == [("en", "es", 6), ("es", "en", 6)]  # every sentence there and back
        db.execute("UPDATE renderings SET output = 'From the cache: ' || output WHERE tgt = 'en'")
    assert main(["batch", str(docs), "--out", str(tmp_path / "again"), *argv]) == 0
    again = shard_rows(tmp_path / "again")
    texts = [b["renderings"][0]["text"] for r in again for b in r["beads"]]
    assert len(texts) == 6 and all(t.startswith("From the cache: ") for t in texts)  # no sentence re-rendered
