"""toolkit export: the same records back from every format, one schema for every run, the card, the hub push
(mocked where it would leave the machine), and one-line errors for bad input."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from report_fixtures import aligned_run, hostile_run, round_trip_run

from toolkit import export, schema
from toolkit.cli import main
from toolkit.output import write_run

datasets = pytest.importorskip("datasets", reason="the datasets package (toolkit[export]) is not installed")
DatasetCard = pytest.importorskip("huggingface_hub").DatasetCard


def _run_dir(tmp_path: Path, run=None, name="run") -> Path:
    run = run or aligned_run()
    folder = tmp_path / name
    folder.mkdir()
    # beads.jsonl and summary.json as write_run writes them, without the report: the plot is not under test here
    (folder / "beads.jsonl").write_text(
        "".join(json.dumps(schema.to_json(j), ensure_ascii=False) + "\n" for j in run.judgements), encoding="utf-8")
    (folder / "summary.json").write_text(json.dumps(run.summary), encoding="utf-8")
    return folder


def test_export_dir_round_trips_through_load_from_disk_parquet_and_jsonl(tmp_path):
    run = aligned_run()
    out = export.export_dir(_run_dir(tmp_path, run), tmp_path / "dataset")
    loaded = datasets.load_from_disk(str(out))
    assert loaded.features == schema.features()
    assert loaded.features["severity"].names == ["none", "minor", "major", "critical"]
    assert [schema.from_row(row) for row in loaded] == run.judgements
    from_parquet = datasets.Dataset.from_parquet(str(out / "beads.parquet"))
    assert from_parquet.features == schema.features()  # the ClassLabel travels in the parquet metadata
    assert [schema.from_row(row) for row in from_parquet] == run.judgements
    lines = (out / "beads.jsonl").read_text(encoding="utf-8").splitlines()
    assert [schema.from_row(json.loads(line)) for line in lines] == run.judgements


def test_every_run_shape_gets_the_same_declared_schema(tmp_path):
    exported = [datasets.load_from_disk(str(export.export_dir(_run_dir(tmp_path, run, name), tmp_path / f"{name}.ds")))
                for name, run in (("aligned", aligned_run()), ("round", round_trip_run()),
                                  ("hostile", hostile_run()))]
    assert all(d.features == schema.features() for d in exported)
    both = datasets.concatenate_datasets(exported)  # possible only because renderings are not per-run columns
    assert len(both) == sum(len(d) for d in exported)
    row = exported[1][0]
    assert [r["kind"] for r in row["renderings"]] == ["round-trip", "round-trip"]
    assert exported[0][3]["translation_ids"] == [] and exported[0][4]["original_ids"] == []


def test_card_has_signature_languages_licence_and_its_loading_recipe_works(tmp_path):
    run = aligned_run()
    out = export.export_dir(_run_dir(tmp_path, run), tmp_path / "dataset", license="cc-by-4.0")
    card = (out / "README.md").read_text(encoding="utf-8")
    meta = DatasetCard(card).data  # the header read back as the hub reads it
    assert meta.license == "cc-by-4.0" and meta.language == ["en", "de"]
    assert run.summary["signature"] in card
    assert "## How it was made" in card
    assert meta.configs == [{"config_name": "default", "data_files": [{"split": "train", "path": "beads.parquet"}]}]
    loaded = datasets.load_dataset("parquet", data_files=str(out / "beads.parquet"), split="train",
                                   cache_dir=str(tmp_path / "hf-cache"))
    assert loaded.features == schema.features()
    assert [schema.from_row(row) for row in loaded] == run.judgements


def test_card_survives_hostile_names(tmp_path):
    run = hostile_run()
    run.summary["signature"] = "sig ``` ```` end"
    card = export.dataset_card(run.summary, run.judgements)
    assert "`````\nsig ``` ```` end\n`````" in card


def test_second_export_replaces_the_first_whole(tmp_path):
    run_dir = _run_dir(tmp_path)
    out = export.export_dir(run_dir, tmp_path / "dataset")
    (out / "stale.txt").write_text("left from before")
    export.export_dir(run_dir, out)
    assert not (out / "stale.txt").exists()
    assert not (tmp_path / "dataset.partial").exists()


def test_parquet_export(tmp_path):
    run = round_trip_run()
    target = export.export_parquet(_run_dir(tmp_path, run), tmp_path / "out" / "beads.parquet")
    loaded = datasets.Dataset.from_parquet(str(target))
    assert [schema.from_row(row) for row in loaded] == run.judgements


class _Hub:
    """Stands in for the two calls that would reach huggingface.co."""

    def __init__(self, monkeypatch):
        self.pushed, self.uploaded = [], []
        hub = self

        def push_to_hub(dataset, repo_id, **kwargs):
            hub.pushed.append((repo_id, kwargs, [schema.from_row(row) for row in dataset], dataset.features))

        def upload_file(api, **kwargs):
            hub.uploaded.append((api.token, kwargs))

        monkeypatch.setattr(datasets.Dataset, "push_to_hub", push_to_hub)
        import huggingface_hub

        monkeypatch.setattr(huggingface_hub.HfApi, "upload_file", upload_file)


def test_push_to_hub_sends_the_dataset_and_the_card(tmp_path, monkeypatch, capsys):
    hub = _Hub(monkeypatch)
    monkeypatch.setenv("HF_TOKEN", "hf_test_token")
    run = aligned_run()
    assert main(["export", str(_run_dir(tmp_path, run)), "--hub", "someone/belarus-beads", "--private"]) == 0
    (repo_id, kwargs, records, features), = hub.pushed
    assert repo_id == "someone/belarus-beads" and kwargs["token"] == "hf_test_token" and kwargs["private"]
    assert records == run.judgements and features == schema.features()
    (token, upload), = hub.uploaded
    assert token == "hf_test_token" and upload["path_in_repo"] == "README.md"
    assert upload["repo_id"] == "someone/belarus-beads" and upload["repo_type"] == "dataset"
    card = upload["path_or_fileobj"].decode("utf-8")
    assert DatasetCard(card).data.configs[0]["data_files"][0]["path"] == "data/train-*"
    assert run.summary["signature"] in card
    assert "https://huggingface.co/datasets/someone/belarus-beads" in capsys.readouterr().out


def _no_token(monkeypatch, tmp_path):
    import huggingface_hub.constants

    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_OIDC_RESOURCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_TOKEN_PATH", str(tmp_path / "no-token"))


def test_hub_without_a_token_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    hub = _Hub(monkeypatch)
    _no_token(monkeypatch, tmp_path)
    assert main(["export", str(_run_dir(tmp_path)), "--hub", "someone/beads"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Hugging Face token" in err and "HF_TOKEN" in err
    assert hub.pushed == [] and hub.uploaded == []


def test_hub_failure_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    def refuse(dataset, repo_id, **kwargs):
        raise OSError("401 Client Error: Unauthorized for url\nmore detail")

    monkeypatch.setattr(datasets.Dataset, "push_to_hub", refuse)
    monkeypatch.setenv("HF_TOKEN", "hf_wrong")
    assert main(["export", str(_run_dir(tmp_path)), "--hub", "someone/beads"]) == 1
    err = capsys.readouterr().err
    assert err == "toolkit export: error: pushing to the hub repository someone/beads failed: " \
                  "401 Client Error: Unauthorized for url\n"


@pytest.mark.parametrize("damage, message", [
    (lambda d: (d / "beads.jsonl").unlink(), "is not a run folder"),
    (lambda d: (d / "beads.jsonl").write_text('{"bead": 0, "translation": \n'), "unreadable run files"),
    (lambda d: (d / "beads.jsonl").write_text("[1, 2]\n"), "unreadable run files"),
    (lambda d: (d / "beads.jsonl").write_text(json.dumps({
        "bead": 0, "original_ids": [], "translation_ids": ["x"], "original": "", "translation": "t",
        "renderings": {}}) + "\n"), "translation_ids does not fit the dataset schema"),
    (lambda d: (d / "beads.jsonl").write_text(json.dumps({
        "bead": 0, "original_ids": [], "translation_ids": [0], "original": "", "translation": "t",
        "renderings": {}, "severity": "apocalyptic"}) + "\n"), "severity does not fit"),
])
def test_bad_runs_are_one_line_errors(tmp_path, capsys, damage, message):
    run_dir = _run_dir(tmp_path)
    damage(run_dir)
    assert main(["export", str(run_dir), "--to", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("toolkit export: error: ") and err.count("\n") == 1 and message in err
    assert not (tmp_path / "out").exists()


def test_export_refuses_to_overwrite_a_folder_it_did_not_make(tmp_path, capsys):
    run_dir = _run_dir(tmp_path)
    assert main(["export", str(run_dir), "--to", str(run_dir)]) == 1
    assert "run folder itself" in capsys.readouterr().err
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("mine")
    assert main(["export", str(run_dir), "--to", str(precious)]) == 1
    assert "not an earlier export" in capsys.readouterr().err
    assert (precious / "notes.txt").read_text() == "mine"


def test_console_script_reports_a_missing_run_without_a_traceback(tmp_path):
    done = subprocess.run([sys.executable, "-m", "toolkit", "export", str(tmp_path / "nothing"), "--to",
                           str(tmp_path / "out")], capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().endswith("(made by `toolkit compare ... --out DIR`)")


def test_export_needs_exactly_one_target(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["export", str(_run_dir(tmp_path))])
    assert exit_info.value.code == 2 and "one of the arguments --to --parquet --hub is required" in \
        capsys.readouterr().err


def test_report_and_export_agree_on_a_written_run(tmp_path):
    run = round_trip_run()
    folder = write_run(run, tmp_path / "written")
    assert (folder / "report.html").read_text(encoding="utf-8").count('<article class="bead ') == len(run.judgements)
    loaded = datasets.load_from_disk(str(export.export_dir(folder, tmp_path / "ds")))
    assert [schema.from_row(row) for row in loaded] == run.judgements
