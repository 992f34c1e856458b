"""Random-weight translation models built offline, saved the way the hub ships them.

The engines load these folders through the same `from_pretrained(folder)` code a downloaded OPUS-MT, NLLB-200 or
M2M-100 model takes, so tests (and eval/bench_mt.py, at full OPUS-MT size) exercise the real loading, tokenising,
generation and conversion paths without network access. The outputs are gibberish; what is tested is plumbing:
agreement between back ends, forced language tokens, caching, truncation.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpora" / "belarus-army" / "translation.en.txt"

# German text of our own, so the shared sentencepiece model has seen both languages of the tiny de<->en models.
GERMAN = """\
Der Präsident hat am Montag neue Details über die Armee bekannt gegeben.
Die Regierung in Minsk bestreitet, dass Soldaten an die Grenze geschickt wurden.
Nach Angaben des Ministeriums sind 20.000 Reservisten einberufen worden.
Beobachter bezweifeln, dass die Streitkräfte für einen Krieg bereit sind.
Es gibt keine Hinweise darauf, dass die Truppen die Grenze überschritten haben.
Die Übung soll bis Ende des Monats dauern und wird von Russland unterstützt.
Der Kreml hat sich zu den Berichten bisher nicht geäußert.
Viele Menschen in Belarus fürchten, in den Konflikt hineingezogen zu werden.
Lukaschenko sagte, seine Armee werde das Land verteidigen, aber nicht angreifen.
Die Zeitung berichtete, dass nur die Hälfte der Panzer einsatzbereit sei.
"""


def corpus_lines() -> list[str]:
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines + GERMAN.splitlines()


def train_spm(vocab_size: int = 400) -> bytes:
    """A small unigram sentencepiece model over the seed article and the German lines above."""
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus_lines()), model_writer=model, vocab_size=vocab_size,
        character_coverage=1.0, model_type="unigram", num_threads=1, minloglevel=2,
        hard_vocab_limit=False,
    )
    return model.getvalue()


def _pieces(spm_bytes: bytes) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=spm_bytes)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())
            if not (processor.is_control(i) or processor.is_unknown(i))]


def build_marian(
    folder: Path, spm_bytes: bytes, src: str = "de", tgt: str = "en", d_model: int = 16, layers: int = 1,
    heads: int = 2, ffn: int = 32, vocab_size: int | None = None, max_positions: int = 128, seed: int = 0,
    target_languages: tuple[str, ...] = (),
) -> Path:
    """An OPUS-MT style Marian model: shared source/target sentencepiece, `<pad>` as the last id.

    `vocab_size` pads the vocabulary with unused pieces up to a real model's size (OPUS-MT de-en: 58101).
    `target_languages` (ISO 639-3) adds `>>xxx<<` tokens, as multilingual OPUS-MT models have.
    """
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "source.spm").write_bytes(spm_bytes)
    (folder / "target.spm").write_bytes(spm_bytes)
    tokens = ["</s>", "<unk>"] + [f">>{code}<<" for code in target_languages] + _pieces(spm_bytes)
    if vocab_size:
        tokens += [f"<unused{i}>" for i in range(vocab_size - 1 - len(tokens))]
    vocab = {token: i for i, token in enumerate(dict.fromkeys(tokens))}
    vocab["<pad>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = MarianTokenizer(
        str(folder / "source.spm"), str(folder / "target.spm"), str(folder / "vocab.json"),
        source_lang=src, target_lang=tgt, model_max_length=max_positions,
    )
    tokenizer.save_pretrained(folder)
    config = MarianConfig(
        vocab_size=len(vocab), d_model=d_model, encoder_layers=layers, decoder_layers=layers,
        encoder_attention_heads=heads, decoder_attention_heads=heads, encoder_ffn_dim=ffn, decoder_ffn_dim=ffn,
        max_position_embeddings=max_positions, pad_token_id=vocab["<pad>"], eos_token_id=vocab["</s>"],
        decoder_start_token_id=vocab["<pad>"], forced_eos_token_id=vocab["</s>"], scale_embedding=True,
        share_encoder_decoder_embeddings=True, tie_word_embeddings=True, activation_function="swish",
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()
    model.save_pretrained(folder)
    return folder


def build_m2m100(folder: Path, spm_bytes: bytes, d_model: int = 16, layers: int = 1, seed: int = 0) -> Path:
    """An M2M-100 style model: `__de__` language tokens after the sentencepiece vocabulary."""
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration, M2M100Tokenizer

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sentencepiece.bpe.model").write_bytes(spm_bytes)
    tokens = ["<s>", "<pad>", "</s>", "<unk>"] + _pieces(spm_bytes)
    vocab = {token: i for i, token in enumerate(dict.fromkeys(tokens))}
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = M2M100Tokenizer(str(folder / "vocab.json"), str(folder / "sentencepiece.bpe.model"),
                                model_max_length=128)
    tokenizer.save_pretrained(folder)
    # Language tokens and "madeup words" follow the sentencepiece ids, as in facebook/m2m100_418M.
    size = tokenizer.encoder_size + len(tokenizer.lang_code_to_id) + tokenizer.num_madeup_words
    return _save_m2m_model(folder, size, d_model, layers, seed, M2M100Config,
                           M2M100ForConditionalGeneration, torch)


def build_nllb(folder: Path, spm_bytes: bytes, d_model: int = 16, layers: int = 1, seed: int = 0) -> Path:
    """An NLLB-200 style model: FLORES-200 codes such as `deu_Latn` as special tokens, a BPE tokenizer."""
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    # Characters only (no merges) keep the BPE valid without training one; the pieces come from the spm model.
    chars = sorted({ch for piece in _pieces(spm_bytes) for ch in piece})
    vocab = {token: i for i, token in enumerate(["<s>", "<pad>", "</s>", "<unk>"] + chars)}
    tokenizer = NllbTokenizer(vocab=vocab, merges=[], model_max_length=128)
    tokenizer.save_pretrained(folder)
    return _save_m2m_model(folder, len(tokenizer), d_model, layers, seed, M2M100Config,
                           M2M100ForConditionalGeneration, torch)


def _save_m2m_model(folder, vocab_size, d_model, layers, seed, config_class, model_class, torch) -> Path:
    config = config_class(
        vocab_size=vocab_size, d_model=d_model, encoder_layers=layers, decoder_layers=layers,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=2 * d_model,
        decoder_ffn_dim=2 * d_model, max_position_embeddings=128, pad_token_id=1, bos_token_id=0,
        eos_token_id=2, decoder_start_token_id=2, scale_embedding=True,
    )
    torch.manual_seed(seed)
    model_class(config).eval().save_pretrained(folder)
    return folder


def build_all(folder: Path) -> dict[str, Path]:
    """Every tiny model the tests use, named like their hub counterparts so name-based rules see real names."""
    spm_bytes = train_spm()
    return {
        "opus-mt-de-en": build_marian(folder / "opus-mt-de-en", spm_bytes, "de", "en", seed=1),
        "opus-mt-en-de": build_marian(folder / "opus-mt-en-de", spm_bytes, "en", "de", seed=2),
        "opus-mt-en-mul": build_marian(folder / "opus-mt-en-mul", spm_bytes, "en", "mul", seed=3,
                                       target_languages=("deu", "fra")),
        "nllb": build_nllb(folder / "nllb", spm_bytes, seed=4),
        "m2m100": build_m2m100(folder / "m2m100", spm_bytes, seed=5),
    }


def install_in_hub_cache(model_folder: Path, hub_cache: Path, repo_id: str, commit: str = "0" * 40) -> Path:
    """Lay a model folder out as huggingface_hub caches a download (refs/main -> snapshots/<commit>)."""
    import shutil

    repo = hub_cache / ("models--" + repo_id.replace("/", "--"))
    snapshot = repo / "snapshots" / commit
    shutil.copytree(model_folder, snapshot, dirs_exist_ok=True)
    (repo / "refs").mkdir(parents=True, exist_ok=True)
    (repo / "refs" / "main").write_text(commit)
    return snapshot
