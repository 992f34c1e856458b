"""The large run of eval/bench_batch.py: its archive must be one that `toolkit batch` can render from the .tsv
(a first version glued the line number after the full stop, so the segmenter cut it off and every document
failed: the run "finished" with 0 beads)."""
import runpy

from conftest import ROOT

from toolkit.segment import segment_text

BENCH = runpy.run_path(str(ROOT / "eval" / "bench_batch.py"))


def _row(translation: str, rendering: str) -> dict:
    row = {name: rendering for name in BENCH["RENDERINGS"]}
    row[BENCH["TRANSLATION"]] = translation
    return row


def test_every_sentence_of_the_archive_has_its_round_trip():
    rows = [_row("The mayor resigned on Friday.", "The mayor stepped down on Friday."),
            _row("He left at noon. She stayed until the evening.", "He went at noon."),
            _row("Biker suffers leg injury", "Motorcyclist hurts his leg")]
    table, documents = BENCH["archive"](rows, 25, per_document=10)
    assert [len(d["translation"].split("\n")) for d in documents] == [10, 10, 5]
    sentences = [s.text for d in documents for s in segment_text(d["translation"], "en").segments]
    assert len(sentences) == 25 and len(set(sentences)) == 25
    assert all(s in table for s in sentences)
    assert not any("She stayed" in s for s in sentences)  # the line the segmenter cuts in two is left out
