"""The aligner's meaning source (toolkit/alignment/meaning.py): merged windows, the shape normalisation, the
banded search, the CLI's options. A stand-in encoder plays the embedding model where the test is
about the aligner; a tiny random-weight sentence-transformers folder checks the loading path offline."""
import zlib

import numpy as np
import pytest

from toolkit.alignment import align, signature
from toolkit.alignment.meaning import MeaningPair, encoder_for, windows
from toolkit.alignment.search import Band
from toolkit.cli import main
from toolkit.errors import ToolkitError

# The translation is written in another script than the rendering (Cyrillic letters for Latin ones), so the
# character n-grams share nothing and cannot find the beads; the stand-in encoder reads through the script, as
# an embedding model reads through paraphrase. Original 1 is split in two translation sentences, 2 and 3 merged.
TO_CYRILLIC = str.maketrans("abcdefghiklmnoprstuvz", "абцдефгхиклмнопрстуфз")
TO_LATIN = {v: k for k, v in TO_CYRILLIC.items()}


class ScriptBlindEncoder:
    """Bag of words read in Latin letters, hashed into 256 dimensions and normalised; records what it encoded."""

    name = "script-blind"

    def __init__(self):
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen += list(texts)
        out = np.zeros((len(texts), 256), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.translate(TO_LATIN).replace(".", " ").split():
                out[row, zlib.crc32(word.encode()) % 256] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


RENDERING = [f"{line}." for line in (
    "river stone bridge", "forest deer hunter arrow bow moon night", "king castle tower", "queen garden rose",
    "ship harbour sail wind", "bread oven flour salt", "horse saddle rider road dust", "snow mountain peak")]
TRANSLATION = [line.translate(TO_CYRILLIC) for line in (
    RENDERING[0], "forest deer.", "hunter arrow bow moon night.", "king castle tower queen garden rose.",
    *RENDERING[4:])]
ORIGINAL = [f"o{k}" for k in range(len(RENDERING))]
EXPECTED = ["[0]:[0]", "[1]:[1, 2]", "[2, 3]:[3]", "[4]:[4]", "[5]:[5]", "[6]:[6]", "[7]:[7]"]


def test_meaning_finds_the_beads_that_ngrams_cannot():
    beads = [b.vecalign() for b in align(ORIGINAL, TRANSLATION, [RENDERING], encoder=ScriptBlindEncoder())]
    assert beads == EXPECTED
    ngrams_only = [b.vecalign() for b in align(ORIGINAL, TRANSLATION, [RENDERING])]
    assert ngrams_only != EXPECTED  # the case needs meaning, or the check above would prove nothing


def test_merged_beads_are_embedded_as_merged_text():
    encoder = ScriptBlindEncoder()
    align(ORIGINAL, TRANSLATION, [RENDERING], encoder=encoder)
    # the rendering of a merged original bead is its rendering lines joined; the translation's window likewise
    assert " ".join(RENDERING[2:4]) in encoder.seen
    assert " ".join(TRANSLATION[1:3]) in encoder.seen
    assert len(encoder.seen) == len(set(encoder.seen))  # each window is encoded once, in one call


def test_windows_join_consecutive_lines_and_skip_blank_ones():
    assert windows(["a", "", "c", "d"], 2) == ["a", "c", "c d"]
    assert windows(["a", "b"], 3) == []


def test_shape_normalisation_puts_chance_at_zero_for_every_shape():
    rng = np.random.default_rng(0)

    def unit(k):
        v = rng.normal(size=(k, 16)) + 2.0  # a shared offset: raw cosines of unrelated windows are high
        return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)

    n, m = 12, 15
    pair = MeaningPair({1: unit(n), 2: unit(n - 1)}, {1: unit(m), 2: unit(m - 1), 3: unit(m - 2)})
    shapes = [(1, 1), (1, 2), (2, 1), (1, 3)]
    cos, weakest = pair.cosines(Band.full(n, m), shapes)
    assert cos.shape == weakest.shape == (n + 1, len(shapes), m + 1)
    for s, (a, b) in enumerate(shapes):
        valid = cos[a:, s, b:]  # beads that start at or after the first sentence of both sides
        assert abs(float(valid.mean())) < 1e-5  # the average unrelated pair scores 0, whatever its length
        assert float(valid.max()) <= 1.0 + 1e-5
    assert np.array_equal(weakest[:, 0], cos[:, 0])  # a 1-1 bead's weakest sentence is the bead
    # the 1-2 bead ending at (4, 7): original 3 against translation 5 and 6 one at a time, at the 1-1 chance level
    base = float(pair.x[1].mean(0) @ pair.y[1].mean(0))
    members = [(float(pair.x[1][3] @ pair.y[1][j]) - base) / (1 - base) for j in (5, 6)]
    assert weakest[4, 1, 7] == pytest.approx(min(members), abs=1e-5)
    raw = {a_b: float(pair.x[a_b[0]].mean(0) @ pair.y[a_b[1]].mean(0)) for a_b in shapes}
    assert min(raw.values()) > 0.5  # without the rescaling, chance would sit far from 0


def test_banded_search_with_meaning_matches_the_full_grid():
    rng = np.random.default_rng(1)
    words = [f"word{k}" for k in range(300)]
    rendering = [" ".join(rng.choice(words, size=8)) + "." for _ in range(150)]
    translation = []
    for k, line in enumerate(rendering):
        parts = line.split()
        if k % 7 == 3:  # a split
            translation += [" ".join(parts[:4]) + ".", " ".join(parts[4:])]
        else:
            translation.append(line)
    original = [f"x{k}" for k in range(len(rendering))]
    full = align(original, translation, [rendering], encoder=ScriptBlindEncoder(), full_cells=10**9)
    banded = align(original, translation, [rendering], encoder=ScriptBlindEncoder(), full_cells=2_000)
    assert [b.vecalign() for b in banded] == [b.vecalign() for b in full]
    assert sum(len(b.translation_ids) == 2 for b in full) == sum(k % 7 == 3 for k in range(150))


def test_meaning_allows_one_sentence_more_a_side_by_default():
    # original 1 is said in five translation sentences: a 1-5 bead, beyond the n-gram aligner's 4 a side
    long_line = "forest deer hunter arrow bow moon night wolf owl fern."
    rendering = [RENDERING[0], long_line, *RENDERING[2:]]
    parts = long_line.rstrip(".").split()
    translation = [rendering[0], *(" ".join(parts[k:k + 2]) + "." for k in range(0, 10, 2)), *rendering[2:]]
    translation = [line.translate(TO_CYRILLIC) for line in translation]
    found = [b.vecalign() for b in align(ORIGINAL, translation, [rendering], encoder=ScriptBlindEncoder())]
    assert "[1]:[1, 2, 3, 4, 5]" in found
    capped = [b.vecalign() for b in align(ORIGINAL, translation, [rendering], encoder=ScriptBlindEncoder(),
                                          max_side=4, max_bead=5)]
    assert "[1]:[1, 2, 3, 4, 5]" not in capped
    assert signature(meaning="m")["side"] == 5 and signature()["side"] == 4


def test_signature_names_the_meaning_source():
    assert str(signature()).startswith("method:mt-ngram|")
    with_meaning = signature(meaning="all-MiniLM-L6-v2")
    assert with_meaning["method"] == "mt-ngram+meaning" and with_meaning["meaning"].startswith("all-MiniLM-L6-v2@")


def test_encoder_choice_and_its_failures(tmp_path):
    assert encoder_for("en", mode="off") == (None, "turned off")
    encoder, why = encoder_for("de")
    assert encoder is None and "no embedding model for 'de'" in why
    with pytest.raises(ToolkitError, match="no embedding model for 'de'"):
        encoder_for("de", mode="on")
    with pytest.raises(ToolkitError, match="no such folder"):
        encoder_for("de", str(tmp_path / "nowhere"))
    with pytest.raises(ToolkitError, match="--lang"):
        encoder_for(None, mode="on")
    with pytest.raises(ToolkitError, match="unknown meaning mode"):
        encoder_for("en", mode="sometimes")


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def tiny_sentence_model(tmp_path_factory):
    """A 2-layer random-weight BERT with mean pooling, saved as a sentence-transformers folder."""
    torch = pytest.importorskip("torch")
    pytest.importorskip("sentence_transformers")
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    from transformers import BertConfig, BertModel, BertTokenizer

    torch.manual_seed(0)
    base = tmp_path_factory.mktemp("tiny-bert")
    words = sorted({w.strip(".,").lower() for line in RENDERING + TRANSLATION + ORIGINAL for w in line.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ","] + words
    BertTokenizer(vocab={w: i for i, w in enumerate(vocab)}).save_pretrained(base)
    BertModel(BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=128)).save_pretrained(base)
    word = Transformer(str(base), max_seq_length=64)
    folder = tmp_path_factory.mktemp("tiny-sentence-model")
    SentenceTransformer(modules=[word, Pooling(word.get_embedding_dimension())]).save(str(folder))
    return folder


def test_cli_meaning_with_a_model_folder(tmp_path, capsys, tiny_sentence_model):
    o = _write(tmp_path / "o.txt", ORIGINAL)
    t = _write(tmp_path / "t.en", TRANSLATION)
    r = _write(tmp_path / "o.mt.en", RENDERING)
    assert main(["align", o, t, "--rendering", r, "--lang", "xx", "--meaning", "on",
                 "--embedding-model", str(tiny_sentence_model)]) == 0
    captured = capsys.readouterr()
    beads = captured.out.splitlines()
    assert beads and all(":" in line for line in beads)
    assert "method:mt-ngram+meaning" in captured.err and tiny_sentence_model.name in captured.err
    assert main(["align", o, t, "--rendering", r, "--lang", "xx", "--meaning", "off"]) == 0
    assert "method:mt-ngram|" in capsys.readouterr().err


@pytest.mark.parametrize("extra, message", [
    (["--meaning", "on"], "--lang"),
    (["--meaning", "on", "--lang", "de"], "no embedding model for 'de'"),
    (["--embedding-model", "/nowhere/at/all", "--lang", "xx"], "no such folder"),
])
def test_cli_meaning_bad_input_is_one_line(tmp_path, capsys, extra, message):
    o = _write(tmp_path / "o.txt", ORIGINAL)
    t = _write(tmp_path / "t.en", TRANSLATION)
    r = _write(tmp_path / "o.mt.en", RENDERING)
    out = tmp_path / "beads.txt"
    assert main(["align", o, t, "--rendering", r, "--out", str(out), *extra]) == 1
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err and err.startswith("toolkit align: error:")
    assert not out.exists()


def test_cli_meaning_on_needs_a_forward_rendering(tmp_path, capsys):
    o = _write(tmp_path / "o.txt", ORIGINAL)
    t = _write(tmp_path / "t.en", TRANSLATION)
    assert main(["align", o, t, "--meaning", "on", "--lang", "en"]) == 1
    assert "--rendering" in capsys.readouterr().err
