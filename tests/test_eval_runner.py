import json
import runpy

import pytest

from conftest import ROOT

RUNNER = runpy.run_path(str(ROOT / "eval" / "run.py"))

BENCHMARK = '''
def run(data_dir):
    if not (data_dir / "toy").exists():
        return {"skipped": "toy data absent"}
    return {"metrics": {"auroc": 0.91, "flagged_unshifted": 0.2}, "signature": "toy|v:1", "data": "toy",
            "headline": ["auroc", "flagged_unshifted"],
            "targets": {"auroc": [">=", 0.9], "flagged_unshifted": ["<=", 0.1]},
            "table": "| a | b |\\n|---|---|\\n| <1> | 2 |"}
'''


@pytest.fixture
def benchmark(tmp_path):
    path = tmp_path / "toy_bench.py"
    path.write_text(BENCHMARK, encoding="utf-8")
    return path


def test_results_are_byte_identical_across_runs(tmp_path, benchmark):
    (tmp_path / "data" / "toy").mkdir(parents=True)
    first = RUNNER["write_result"]("toy_bench", RUNNER["run_benchmark"](benchmark, tmp_path / "data"),
                                   tmp_path).read_bytes()
    second = RUNNER["write_result"]("toy_bench", RUNNER["run_benchmark"](benchmark, tmp_path / "data"),
                                    tmp_path).read_bytes()
    assert first == second
    record = json.loads(first)
    assert record["signature"] == "toy|v:1" and "machine" in record and "date" in record


def test_readme_table_marks_targets_met_and_missed(tmp_path, benchmark):
    (tmp_path / "data" / "toy").mkdir(parents=True)
    RUNNER["write_result"]("toy_bench", RUNNER["run_benchmark"](benchmark, tmp_path / "data"), tmp_path)
    readme = RUNNER["render_readme"](tmp_path)
    assert "| toy_bench | auroc | 0.91 | met (>= 0.9) |" in readme
    assert "| toy_bench | flagged_unshifted | 0.2 | missed (<= 0.1) |" in readme
    assert "Signature: `toy|v:1`" in readme


def test_missing_data_is_skipped_with_the_reason(tmp_path, benchmark):
    RUNNER["write_result"]("toy_bench", RUNNER["run_benchmark"](benchmark, tmp_path / "nothing"), tmp_path)
    assert "| toy_bench | skipped: toy data absent |" in RUNNER["render_readme"](tmp_path)


def test_the_runner_skips_everything_without_data(tmp_path, capsys):
    out = tmp_path / "results"
    assert RUNNER["main"](["--data", str(tmp_path / "absent"), "--only", "none-such", "--out", str(out)]) == 0
    assert "absent" in capsys.readouterr().err
    assert (out / "README.md").exists()


def test_live_mode_runs_only_benchmarks_with_a_live_variant(tmp_path, benchmark):
    (tmp_path / "data" / "toy").mkdir(parents=True)
    result = RUNNER["run_benchmark"](benchmark, tmp_path / "data", engines=["hf:some/model"])
    assert result == {"skipped": "no live variant: it judges precomputed outputs only"}


def test_live_mode_offline_names_the_missing_models(tmp_path, monkeypatch):
    from toolkit import models

    monkeypatch.setattr(models, "is_present", lambda model_id: False)  # as on a machine that never downloaded
    with pytest.raises(SystemExit) as stop:
        RUNNER["main"](["--live", "--data", str(tmp_path), "--out", str(tmp_path / "out")])
    assert "make models" in str(stop.value) and "opus-mt-de-en" in str(stop.value)
