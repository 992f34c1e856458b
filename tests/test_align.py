"""The many-to-many aligner: exact beads on crafted documents, the search's banding, the CLI contract, bad input."""
import random

import pytest

from toolkit.alignment import align, shapes, signature
from toolkit.cli import main
from toolkit.errors import ToolkitError
from toolkit.records import Bead

# A German original, its English MT sentence by sentence (the forward rendering), an English translation that
# splits, merges, drops and adds sentences, and the German MT of each translation sentence (reverse rendering).
ORIGINAL = [
    "Der Ausschuss traf sich am Montag, um den neuen Haushalt zu besprechen.",
    "Die Mitglieder stritten über die Kosten der Brücke über den Fluss.",
    "Der Bürgermeister sagte, das Projekt werde vier Millionen Euro kosten.",
    "Die Arbeiten sollen im Frühjahr beginnen.",
    "Sie werden zwei Jahre dauern.",
    "Anwohner beschwerten sich über den Lärm der Baustelle in der Nacht.",
    "Einige Geschäfte könnten während der Arbeiten schliessen.",
    "Der Rat wird im März erneut abstimmen.",
    "Eine endgültige Entscheidung wird vor dem Sommer erwartet.",
    "Die Opposition verlangt eine unabhängige Prüfung der Zahlen.",
]
FORWARD = [
    "The committee met on Monday to discuss the new budget.",
    "The members argued about the costs of the bridge over the river.",
    "The mayor said the project would cost four million euros.",
    "The work should begin in the spring.",
    "It will last two years.",
    "Residents complained about the noise of the construction site at night.",
    "Some shops could close during the works.",
    "The council will vote again in March.",
    "A final decision is expected before the summer.",
    "The opposition demands an independent audit of the figures.",
]
TRANSLATION = [
    "The committee met on Monday to discuss the new budget.",  # 0-0
    "Members argued about what the bridge would cost,",  # 1 -> 1, 2
    "the bridge over the river.",
    "The mayor said the project would cost four million euros, that work should begin in the spring "
    "and that it would last two years.",  # 2, 3, 4 -> 3
    # 5 dropped
    "Some shops could close while the works go on.",  # 6 -> 4
    "Photo: city archive, 1998.",  # added -> 5
    "The council will vote again in March, and a final decision is expected before summer.",  # 7, 8 -> 6
    "The opposition demands an independent audit of the figures.",  # 9 -> 7
]
REVERSE = [
    "Der Ausschuss traf sich am Montag, um den neuen Haushalt zu besprechen.",
    "Die Mitglieder stritten darüber, was die Brücke kosten würde,",
    "die Brücke über den Fluss.",
    "Der Bürgermeister sagte, das Projekt werde vier Millionen Euro kosten, die Arbeiten sollen im Frühjahr "
    "beginnen und zwei Jahre dauern.",
    "Einige Geschäfte könnten schliessen, solange die Arbeiten andauern.",
    "Foto: Stadtarchiv, 1998.",
    "Der Rat wird im März erneut abstimmen, und eine endgültige Entscheidung wird vor dem Sommer erwartet.",
    "Die Opposition verlangt eine unabhängige Prüfung der Zahlen.",
]
EXPECTED = ["[0]:[0]", "[1]:[1, 2]", "[2, 3, 4]:[3]", "[5]:[]", "[6]:[4]", "[]:[5]", "[7, 8]:[6]", "[9]:[7]"]


def beads_of(*args, **options) -> list[str]:
    return [b.vecalign() for b in align(*args, **options)]


def test_forward_rendering_finds_every_shape():
    assert beads_of(ORIGINAL, TRANSLATION, [FORWARD]) == EXPECTED


def test_reverse_renderings_alone():
    assert beads_of(ORIGINAL, TRANSLATION, reverse_renderings=[REVERSE]) == EXPECTED


def test_both_directions_and_several_renderings_at_once():
    rng = random.Random(0)

    def noisy(lines):  # a weaker engine: every fourth word replaced
        return [" ".join(w if rng.random() > 0.25 else "xyzzy" for w in line.split()) for line in lines]

    assert beads_of(ORIGINAL, TRANSLATION, [FORWARD, noisy(FORWARD), noisy(FORWARD)], [REVERSE]) == EXPECTED


def test_a_bad_rendering_among_good_ones_does_not_derail():
    shuffled = FORWARD[::-1]  # an engine whose output is line-aligned with nothing
    assert beads_of(ORIGINAL, TRANSLATION, [FORWARD, shuffled], [REVERSE, REVERSE[::-1]]) == EXPECTED


def test_one_to_three_and_three_to_one_are_found_when_allowed():
    # the translation merges three sentences: found with max_side >= 3, impossible with max_side = 2
    assert "[2, 3, 4]:[3]" in beads_of(ORIGINAL, TRANSLATION, [FORWARD], max_side=3)
    assert "[2, 3, 4]:[3]" not in beads_of(ORIGINAL, TRANSLATION, [FORWARD], max_side=2)
    # the same document seen from the other side: the bead turns into 1-3, the split 1-2 into 2-1
    flipped = beads_of(TRANSLATION, ORIGINAL, [REVERSE], [FORWARD])
    assert "[3]:[2, 3, 4]" in flipped and "[1, 2]:[1]" in flipped and "[]:[5]" in flipped and "[5]:[]" in flipped


def test_one_to_one_only():
    found = align(ORIGINAL, TRANSLATION, [FORWARD], max_side=1)
    assert {b.kind for b in found} <= {"1-1", "1-0", "0-1"}
    assert _covers(found, len(ORIGINAL), len(TRANSLATION))


def _covers(beads: list[Bead], n: int, m: int) -> bool:
    """Every sentence exactly once, in order, on both sides."""
    left = [i for b in beads for i in b.original_ids]
    right = [j for b in beads for j in b.translation_ids]
    return left == list(range(n)) and right == list(range(m))


def test_without_renderings_gale_church_on_lengths():
    original = ["A short one.", "A much longer sentence that goes on and on for a while.", "Tiny."]
    translation = ["Eine kurze.", "Ein viel längerer Satz, der eine ganze Weile so weitergeht.", "Klein."]
    assert beads_of(original, translation) == ["[0]:[0]", "[1]:[1]", "[2]:[2]"]
    merged = ["Eine kurze. Ein viel längerer Satz, der eine ganze Weile so weitergeht.", "Klein."]
    assert beads_of(original, merged) == ["[0, 1]:[0]", "[2]:[1]"]
    assert signature(with_mt=False)["method"] == "gale-church"


def _synthetic(n: int, seed: int):
    rng = random.Random(seed)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 8)))
             for _ in range(800)]
    original = [" ".join(rng.choice(words) for _ in range(rng.randint(5, 20))) for _ in range(n)]
    translation, i = [], 0
    while i < n:
        if rng.random() < 0.1 and i + 1 < n:
            translation.append(original[i] + " " + original[i + 1])
            i += 2
        else:
            translation.append(original[i])
            i += 1
    return original, translation


def test_banded_search_matches_the_full_grid():
    original, translation = _synthetic(300, seed=3)
    rendering = [" ".join(w for w in s.split() if len(w) > 3) for s in original]  # a lossy "MT"
    full = align(original, translation, [rendering])
    banded = align(original, translation, [rendering], full_cells=2_000)  # forces two coarse levels
    assert banded == full
    assert _covers(full, len(original), len(translation))


def test_empty_sides_give_omissions_or_additions():
    assert align([], []) == []
    assert align([], ["Only here."]) == [Bead((), (0,))]
    assert align(["Nur hier.", "Auch."], [], [["Only here.", "Too."]]) == [Bead((0,), ()), Bead((1,), ())]


def test_rendering_of_the_wrong_length_is_a_clear_error():
    with pytest.raises(ToolkitError, match="rendering 1 has 9 lines but the original has 10"):
        align(ORIGINAL, TRANSLATION, [FORWARD[:-1]])
    with pytest.raises(ToolkitError, match="reverse rendering 1 has 7 lines but the translation has 8"):
        align(ORIGINAL, TRANSLATION, reverse_renderings=[REVERSE[:-1]])
    with pytest.raises(ToolkitError, match="max_side"):
        align(ORIGINAL, TRANSLATION, [FORWARD], max_side=0)


def test_a_huge_line_and_blank_lines_give_sensible_beads():
    huge = "word " * 40_000
    original = ["Erster Satz hier.", huge, "", "Letzter Satz."]
    translation = ["First sentence here.", huge, "Last sentence."]
    rendering = ["First sentence here.", huge, "", "Last sentence."]
    found = align(original, translation, [rendering])
    assert _covers(found, 4, 3)
    assert found[0] == Bead((0,), (0,))
    assert any(1 in b.original_ids and 1 in b.translation_ids for b in found)  # the huge lines pair up
    assert any(3 in b.original_ids and 2 in b.translation_ids for b in found)


def test_shapes_are_bounded():
    assert shapes(1, 2) == [(1, 1)]
    assert (1, 4) in shapes(4, 5) and (2, 4) not in shapes(4, 5) and (3, 2) in shapes(4, 5)


# --- the command line ------------------------------------------------------------------------------------


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_cli_writes_vecalign_beads(tmp_path, capsys):
    o = _write(tmp_path / "o.de", ORIGINAL)
    t = _write(tmp_path / "t.en", TRANSLATION)
    r = _write(tmp_path / "o.mt.en", FORWARD)
    rr = _write(tmp_path / "t.mt.de", REVERSE)
    out = tmp_path / "beads.txt"
    assert main(["align", o, t, "--rendering", r, "--reverse-rendering", rr, "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").splitlines() == EXPECTED
    assert main(["align", o, t, "--rendering", r]) == 0
    assert capsys.readouterr().out.splitlines() == EXPECTED
    assert main(["align", o, t, "--rendering", r, "--max-side", "1"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert all(line.count(",") == 0 for line in printed) and "[0]:[0]" in printed


@pytest.mark.parametrize("case, message", [
    ("short-rendering", "rendering 1 has 9 lines but the original has 10"),
    ("empty-translation", "is empty"),
    ("missing-original", "does not exist"),
])
def test_cli_bad_input_is_one_line(tmp_path, capsys, case, message):
    o = _write(tmp_path / "o.de", ORIGINAL)
    t = _write(tmp_path / "t.en", TRANSLATION)
    r = _write(tmp_path / "o.mt.en", FORWARD)
    if case == "short-rendering":
        r = _write(tmp_path / "short.en", FORWARD[:-1])
    elif case == "empty-translation":
        t = _write(tmp_path / "empty.en", [""])
    else:
        o = str(tmp_path / "nowhere.de")
    out = tmp_path / "beads.txt"
    assert main(["align", o, t, "--rendering", r, "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err and err.startswith("toolkit align: error:")
    assert not out.exists()


# --- inside toolkit compare --------------------------------------------------------------------------------


def _document(lang, sentences):
    from toolkit.records import Document, Segment

    segments, start = [], 0
    for k, text in enumerate(sentences):
        segments.append(Segment(k, text, 0, start, start + len(text)))
        start += len(text) + 1
    return Document(lang, " ".join(sentences), segments)


def test_compare_surfaces_unaligned_sentences_as_omissions_and_additions(monkeypatch):
    from toolkit import pipeline
    from toolkit.records import Rendering

    original, translation = _document("de", ORIGINAL), _document("en", TRANSLATION)
    renderings = [Rendering("test-mt", "forward", "de", "en", FORWARD),
                  Rendering("test-mt", "back", "en", "de", REVERSE)]
    beads = pipeline._beads(translation, original, renderings)
    assert [b.vecalign() for b in beads] == EXPECTED
    judged = pipeline._judge_all(beads, translation, original, renderings, 0.5)
    dropped, added = judged[3], judged[5]
    assert dropped.flag and [r.signal for r in dropped.reasons] == ["omission"]
    assert dropped.original == ORIGINAL[5] and dropped.translation == ""
    assert added.flag and [r.signal for r in added.reasons] == ["addition"]
    assert added.translation == TRANSLATION[5] and added.original_ids == []
    # the metric and fusion parts of the signature need a scored run; only the aligner's part is checked here
    from toolkit import fuse, signals
    from toolkit.provenance import run_signature as signed

    monkeypatch.setattr(signals, "signatures", lambda: {"chrf": "chrF2", "bleu": "BLEU", "ter": "TER"})
    monkeypatch.setattr(fuse, "signature", lambda threshold: "fuse")
    run_signature = signed([r.name for r in renderings], 0.5, aligned=True)
    assert run_signature["align"] == signature() and f"align:{signature()}" in str(run_signature)
