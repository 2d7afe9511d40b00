#!/usr/bin/python3
"""SPIN self-play rounds: chains cf-generate and cf-train --mode spin (docs/stages/spin.md).

usage: tools/spin_rounds.py [--config configs/train/spin.toml] [--build build] [--dry-run]
                            [--set section.key=value ...]

Round i = 1..rounds.count:
  cf-generate  io.input = rounds.prompts, generate.checkpoint = model_{i-1}
               -> WORK/round_i/pairs  (+ generate.previous = round_{i-1}/pairs when
               rounds.use_previous or rounds.regenerate_fraction < 1)
  cf-train     --mode spin, model.init = model_{i-1}, io.input = round_i/pairs
               -> WORK/round_i/train  (model_i = its model.safetensors)
model_0 = rounds.init. Every executable resumes, so re-running the script after a kill continues
where it stopped; a round whose model.safetensors exists is skipped. Stdlib only (tomllib).

With rounds.recaption (iterative synthetic data, off by default), rounds i >= rounds.recaption_from
first make new positives with model_{i-1} (Model^i of OpenDriver) and use them as the prompts:
  cf-caption   caption.backend = model, caption.model = model_{i-1}, caption.tokenizer = recaption.tokens
               (its prompts.json), io.input/regions/images = recaption.retrieve/segment/ingest
               -> WORK/round_i/caption
  cf-qa        -> WORK/round_i/qa
  cf-merge     merge.eval_size = 0 -> WORK/round_i/dataset
  cf-tokenizer tokenizer.model_path = recaption.tokens/tokenizer/tokenizer.model (encode, no
               retraining), tokenizer.splits = ["train"] -> WORK/round_i/tokens
  cf-generate  io.input = WORK/round_i/tokens/train (instead of rounds.prompts)
[caption], [qa], [merge] and [tokenizer] keys are passed as --set <section>.<key> to those steps.
"""
import argparse
import json
import os
import subprocess
import sys
import tomllib


def parse_value(text):
    try:
        return tomllib.loads("v = " + text)["v"]
    except tomllib.TOMLDecodeError:
        return text


def load_config(path, sets):
    with open(path, "rb") as f:
        cfg = tomllib.load(f)
    for s in sets:
        key, _, value = s.partition("=")
        section, _, name = key.partition(".")
        if not name or section not in cfg:
            sys.exit(f"--set {s}: expected section.key=value with section in {sorted(cfg)}")
        cfg[section][name] = parse_value(value)
    return cfg


def weights_of(path):
    """The safetensors file of a model: a file, or a cf-train output dir's model.safetensors."""
    return path if path.endswith(".safetensors") else os.path.join(path, "model.safetensors")


def sets(pairs):
    out = []
    for key, value in pairs:
        if isinstance(value, bool):
            value = "true" if value else "false"
        out += ["--set", f"{key}={value}"]
    return out


def passed(cfg, section):
    """[section] keys of the round config as (section.key, value) pairs."""
    return [(f"{section}.{k}", v) for k, v in cfg.get(section, {}).items()]


def recaption_commands(cfg, i, prev_model, job):
    """Model^i's new positives for round i: cf-caption (backend model) -> cf-qa -> cf-merge ->
    cf-tokenizer with the SFT tokenizer. Returns (commands, the tokenized train split)."""
    r, rc = cfg["rounds"], cfg.get("recaption", {})
    missing = [k for k in ("retrieve", "segment", "ingest", "tokens") if k not in rc]
    if missing:
        sys.exit(f"rounds.recaption needs recaption.{', recaption.'.join(missing)} (the SFT data's stage outputs)")
    if r.get("use_previous", False) or r.get("regenerate_fraction", 1.0) < 1.0:
        sys.exit("rounds.recaption makes new prompts every round: it cannot be combined with rounds.use_previous "
                 "or rounds.regenerate_fraction < 1 (they reuse the previous round's prompts)")
    d = os.path.join(r["work"], f"round_{i}")
    cap, qa, data, toks = (os.path.join(d, n) for n in ("caption", "qa", "dataset", "tokens"))
    caption = [("io.input", rc["retrieve"]), ("io.regions", rc["segment"]), ("io.images", rc["ingest"]),
               ("io.output", cap), ("caption.backend", "model"), ("caption.model", prev_model),
               ("caption.tokenizer", rc["tokens"]), ("model.preset", r["preset"]),
               ("caption.model_seed", r.get("seed", 0) + i)] + passed(cfg, "caption")
    qa_set = [("io.input", cap), ("io.retrieve", rc["retrieve"]), ("io.output", qa)] + passed(cfg, "qa")
    merge = [("io.input", qa), ("io.caption", cap), ("io.images", rc["ingest"]), ("io.retrieve", rc["retrieve"]),
             ("io.regions", rc["segment"]), ("io.output", data), ("merge.eval_size", 0)] + passed(cfg, "merge")
    tok = [("io.input", data), ("io.output", toks),
           ("tokenizer.model_path", os.path.join(rc["tokens"], "tokenizer", "tokenizer.model")),
           ("tokenizer.splits", '["train"]')]
    vocab = os.path.join(rc["tokens"], "tokenizer", "vocab.json")
    if os.path.exists(vocab):  # the SFT tokenizer's settings, so the ids mean the same
        with open(vocab) as f:
            v = json.load(f)
        tok += [("tokenizer.image_tokens", v["image_tokens_per_image"]),
                ("tokenizer.image_token_id", v["special"]["image"])]
    tok += passed(cfg, "tokenizer")
    return ([job("cf-caption", caption), job("cf-qa", qa_set), job("cf-merge", merge), job("cf-tokenizer", tok)],
            os.path.join(toks, "train"))


def round_commands(cfg, i, build):
    """The commands of round i, in order, and the round's output directory (model_i)."""
    r = cfg["rounds"]
    work = r["work"]
    prev_model = r["init"] if i == 1 else os.path.join(work, f"round_{i - 1}", "train")
    pairs = os.path.join(work, f"round_{i}", "pairs")
    out = os.path.join(work, f"round_{i}", "train")
    mpi = ["mpirun", "-np", str(r.get("ranks", 1)), "--oversubscribe", "--bind-to", "none"]

    def job(name, pairs_):
        return [*mpi, os.path.join(build, "jobs", name), *sets(pairs_)]

    steps, prompts = [], r["prompts"]
    if r.get("recaption", False) and i >= int(r.get("recaption_from", 2)):
        steps, prompts = recaption_commands(cfg, i, prev_model, job)
    gen = [("io.input", prompts), ("io.output", pairs), ("generate.checkpoint", prev_model),
           ("model.preset", r["preset"]), ("generate.round", i), ("generate.seed", r.get("seed", 0) + i),
           ("generate.model_tag", f"model_{i - 1}")]
    gen += [(f"generate.{k}", v) for k, v in cfg.get("generate", {}).items()]
    fraction = r.get("regenerate_fraction", 1.0)
    if i > 1 and (r.get("use_previous", False) or fraction < 1.0):
        gen += [("generate.previous", os.path.join(work, f"round_{i - 1}", "pairs")),
                ("generate.keep_previous", bool(r.get("use_previous", False))),
                ("generate.regenerate_fraction", fraction)]
    train = [("train.mode", "spin"), ("io.input", pairs), ("io.output", out), ("model.preset", r["preset"]),
             ("model.init", weights_of(prev_model))]
    train += list(cfg.get("train", {}).items())
    names = {"lr": "optim.lr", "beta": "dpo.beta", "epochs": "train.epochs"}
    for o in r.get("override", []):
        if o.get("round") == i:
            unknown = set(o) - set(names) - {"round"}
            if unknown:
                sys.exit(f"rounds.override for round {i}: unknown keys {sorted(unknown)} (lr, beta, epochs)")
            train += [(names[k], v) for k, v in o.items() if k in names]
    return [*steps, job("cf-generate", gen), job("cf-train", train)], out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default="configs/train/spin.toml")
    ap.add_argument("--build", default="build")
    ap.add_argument("--dry-run", action="store_true", help="print the commands only")
    ap.add_argument("--set", action="append", default=[], dest="sets", metavar="SECTION.KEY=VALUE")
    a = ap.parse_args()
    cfg = load_config(a.config, a.sets)
    for i in range(1, int(cfg["rounds"]["count"]) + 1):
        commands, out = round_commands(cfg, i, a.build)
        if a.dry_run:
            print(f"# round {i}\n" + "\n".join(" ".join(c) for c in commands))
            continue
        if os.path.exists(os.path.join(out, "model.safetensors")):
            print(f"round {i}: done ({out})", file=sys.stderr)
            continue
        for cmd in commands:
            print(f"round {i}: {os.path.basename(cmd[6])}", file=sys.stderr)
            rc = subprocess.call(cmd)
            if rc != 0:
                sys.exit(f"round {i}: {os.path.basename(cmd[6])} exited {rc}; re-run this script to resume")
    return 0


if __name__ == "__main__":
    sys.exit(main())
