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


def test_demetr_live_judges_renderings_from_an_engine(tmp_path, monkeypatch):
    """make eval-live end to end on a tiny DEMETR-shaped file, with a file: engine standing in for a model."""
    import gzip

    monkeypatch.setenv("TOOLKIT_CACHE", str(tmp_path / "renderings.sqlite"))
    monkeypatch.setenv("TOOLKIT_FEATURE_CACHE", str(tmp_path / "features"))
    columns = ["item_id", "group_id", "source_de", "reference_en", "mt_en", "perturbed_en", "pert_name",
               "severity", "pert_check"]
    items = [
        ("Der Zug kam um 9 Uhr an.", "The train arrived at 9 o'clock.", "The train arrived at 7 o'clock."),
        ("Sie hat das Buch nicht gelesen.", "She has not read the book.", "She has read the book."),
        ("Berlin ist die Hauptstadt.", "Berlin is the capital.", "Paris is the capital."),
        ("Es gab 300 Gäste.", "There were 300 guests.", "There were 800 guests."),
    ]
    rows = ["\t".join(columns)]
    for k, (source, good, bad) in enumerate(items):
        rows.append("\t".join([f"i{k}", f"g{k}", source, good, good, bad, "critical_id_test", "critical", "true"]))
    data = tmp_path / "data"
    (data / "demetr_de").mkdir(parents=True)
    with gzip.open(data / "demetr_de" / "demetr_de.joined.tsv.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(rows) + "\n")
    renderings = tmp_path / "live.tsv"
    renderings.write_text("\n".join(f"{source}\t{good}" for source, good, _ in items) + "\n", encoding="utf-8")

    live = runpy.run_path(str(ROOT / "eval" / "benchmarks" / "demetr.py"))["run_live"]
    result = live(data, [f"file:{renderings}"])
    assert "file:live.tsv" in result["signature"]
    assert result["metrics"]["live.critical.auroc"] > 0.9  # every shifted sentence is further off than its mt_en
    assert result["metrics"]["live.unshifted_flagged"] == 0.0
    assert "| critical | 4 |" in result["table"]
