#!/usr/bin/python3
"""Checks a finished demo chain (tests/mpi/slurm_chain.sh, slurm_inline.sh): the three corpora
hold different scenes; the labeled set (sets/train), the held-out eval questions (sets/eval)
and labeled + synthetic (sets/mixed) are what the chain says; the eval report has the rows
of the results table (direct, sft_labeled, sft, spin_r1..N) with every column filled.
usage: slurm_results_check.py SRC WORK ROUNDS"""
import glob
import hashlib
import json
import os
import subprocess
import sys

src, work, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, os.path.join(src, "tests", "py"))
import shards  # noqa: E402


def scenes(corpus):
    return {hashlib.sha256(open(p, "rb").read()).hexdigest()
            for p in glob.glob(os.path.join(work, corpus, "images", "*.jpg"))}


unlabeled, labeled, held_out = scenes("corpus"), scenes("corpus-labeled"), scenes("corpus-eval")
assert unlabeled and labeled and held_out, (len(unlabeled), len(labeled), len(held_out))
assert not (unlabeled & labeled) and not (unlabeled & held_out) and not (labeled & held_out), "corpora share images"


def rows(split):
    out = []
    for path in shards.shard_paths(os.path.join(work, "sets", split)):
        out += [dict(zip(t["items"], r)) for t in [shards.read_shard(path)[1]] for r in zip(*t["items"].values())]
    return out


train, held, mixed = rows("train"), rows("eval"), rows("mixed")
assert train and all(r["item_id"].startswith(b"labeled/images/") for r in train), train[:1]
assert {r["task"] for r in held} == {b"general", b"region", b"suggestion", b"annotation"}, {r["task"] for r in held}
assert all(r["item_id"].startswith(b"eval/images/") for r in held), held[:1]
synthetic = [r for r in mixed if not r["item_id"].startswith(b"labeled/")]
assert mixed[:len(train)] == train and synthetic and len(mixed) == len(train) + len(synthetic)
assert len({r["sample_id"] for r in mixed}) == len(mixed), "sample ids repeat in sets/mixed"

models = ["direct", "sft_labeled", "sft"] + [f"spin_r{r}" for r in range(1, rounds + 1)]
report = json.load(open(os.path.join(work, "eval", "report.json")))
assert report["models"] == models and report["samples"] == len(held), (report["models"], report["samples"])
table = subprocess.run([os.path.join(src, "slurm", "lib", "results_table.py"), os.path.join(work, "eval"),
                        "--require", *models], capture_output=True, text=True)
assert table.returncode == 0, table.stderr
for name in ("Direct (untrained)", "SFT (labeled only)", "SFT (labeled + synthetic)", "SPIN round 1", "plot: "):
    assert name in table.stdout, (name, table.stdout)
print(f"sets: {len(train)} labeled, {len(synthetic)} synthetic, {len(held)} eval questions; table rows: {models}")
