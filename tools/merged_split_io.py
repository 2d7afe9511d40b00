"""Writes and reads the splits of a merged dataset (docs/stages/dataset.md) with h5py, the way
cf::write_shard does: byte columns as a group (data + offsets), int64 columns as datasets, the
content CRC-32 and the completion record last. Used by tools/make_sft_set.py."""
import json
import os
import sys
import zlib

import h5py
import numpy as np


def checksum(groups):
    """CRC-32 of the content as cf::write_shard computes it (docs/formats.md)."""
    crc = 0
    for gname in ["items", "failures"] + sorted(g for g in groups if g.startswith("tables/")):
        for name in sorted(groups[gname]):
            col = groups[gname][name]
            kind = 2 if isinstance(col, list) else 0
            crc = zlib.crc32(f"{gname}/{name}:{kind}".encode(), crc)
            if kind == 2:
                for s in col:
                    crc = zlib.crc32(np.int64(len(s)).tobytes() + s, crc)
            else:
                crc = zlib.crc32(np.ascontiguousarray(col, dtype="<i8").tobytes(), crc)
    return crc


def str_attr(obj, name, value):
    b = value.encode()
    obj.attrs.create(name, np.array(b if b else b"\0", dtype=f"S{max(1, len(b))}"),
                     dtype=h5py.string_dtype("utf-8", max(1, len(b))))


def write_column(group, name, col, gzip):
    opts = {"compression": "gzip", "compression_opts": 4} if gzip else {}
    if isinstance(col, list):
        sub = group.create_group(name)
        str_attr(sub, "cf_kind", "bytes")
        data = np.frombuffer(b"".join(col), dtype=np.uint8)
        offsets = np.concatenate([[0], np.cumsum([len(s) for s in col])]).astype(np.int64)
        for dname, arr, o in (("data", data, opts), ("offsets", offsets, {"compression": "gzip"})):
            kw = dict(chunks=(min(len(arr), 1 << 20),), fletcher32=True, **o) if len(arr) else {}
            sub.create_dataset(dname, data=arr, **kw)
    else:
        arr = np.asarray(col, dtype=np.int64)
        kw = dict(chunks=(min(len(arr), 1 << 17),), fletcher32=True, **opts) if len(arr) else {}
        group.create_dataset(name, data=arr, **kw)


def write_shard(path, items, images, meta):
    failures = {k: [] for k in ("item_id", "source", "stage", "reason", "kind")}
    groups = {"items": items, "failures": failures, "tables/images": images}
    tmp = path + ".tmp"
    with h5py.File(tmp, "w") as f:
        for gname, cols in groups.items():
            g = f.require_group(gname)
            for name, col in cols.items():
                write_column(g, name, col, gzip=name != "image")
        str_attr(f, "cf_format", "cornerforge-shard-1")
        str_attr(f, "cf_stage", "merge")
        str_attr(f, "cf_meta", json.dumps(meta, sort_keys=True))
        f.attrs.create("cf_item_count", np.int64(len(items["sample_id"])))
        f.attrs.create("cf_failure_count", np.int64(0))
        f.attrs.create("cf_checksum", np.int64(checksum(groups)))
        f.attrs.create("cf_complete", np.int64(1))  # last: the completion record
    os.replace(tmp, path)


def write_split(out_dir, samples, shard_size, plan_hash, split):
    """samples: list of (sample_id, item_id, task, question, answer, closed, [jpeg bytes])."""
    os.makedirs(out_dir, exist_ok=True)
    shards = [samples[i:i + shard_size] for i in range(0, len(samples), shard_size)] or [[]]
    for idx, part in enumerate(shards):
        items = {c: [] for c in ("sample_id", "item_id", "task", "question", "answer")}
        items.update(closed=[], n_images=[])
        images = {"item_row": [], "frame_index": [], "image": []}
        for row, (sid, iid, task, q, a, closed, jpegs) in enumerate(part):
            for c, v in zip(("sample_id", "item_id", "task", "question", "answer"), (sid, iid, task, q, a)):
                items[c].append(v.encode())
            items["closed"].append(closed)
            items["n_images"].append(len(jpegs))
            for k, jpeg in enumerate(jpegs):
                images["item_row"].append(row)
                images["frame_index"].append(k)
                images["image"].append(jpeg)
        for cols, names in ((items, ("closed", "n_images")), (images, ("item_row", "frame_index"))):
            for c in names:
                cols[c] = np.array(cols[c], dtype=np.int64)
        meta = {"plan_hash": plan_hash, "shard": idx, "split": split, "generator": "tools/make_sft_set.py"}
        write_shard(os.path.join(out_dir, f"shard-{idx:06d}.h5"), items, images, meta)
    with open(os.path.join(out_dir, "plan.json.tmp"), "w") as f:
        json.dump({"stage": "merge", "shards": len(shards), "plan_hash": plan_hash}, f, indent=2)
    os.replace(os.path.join(out_dir, "plan.json.tmp"), os.path.join(out_dir, "plan.json"))
    return len(shards)


def read_split(split_dir):
    """Samples of a merged-dataset split (every shard complete), as write_split takes them."""
    plan = json.load(open(os.path.join(split_dir, "plan.json")))
    samples = []
    for idx in range(plan["shards"]):
        path = os.path.join(split_dir, f"shard-{idx:06d}.h5")
        with h5py.File(path, "r") as f:
            if int(f.attrs.get("cf_complete", 0)) != 1:
                sys.exit(f"make_sft_set: '{path}' is not a complete shard")
            col = lambda g, n: ([bytes(f[g][n]["data"][()][a:b]) for a, b in zip(f[g][n]["offsets"][:-1], f[g][n]["offsets"][1:])]
                                if isinstance(f[g][n], h5py.Group) else list(f[g][n][()]))
            items = {c: col("items", c) for c in ("sample_id", "item_id", "task", "question", "answer", "closed")}
            images = {c: col("tables/images", c) for c in ("item_row", "frame_index", "image")}
        frames = {}
        for row, k, jpeg in sorted(zip(images["item_row"], images["frame_index"], images["image"]), key=lambda t: t[:2]):
            frames.setdefault(int(row), []).append(jpeg)
        for row in range(len(items["sample_id"])):
            text = [items[c][row].decode() for c in ("sample_id", "item_id", "task", "question", "answer")]
            samples.append((*text, int(items["closed"][row]), frames.get(row, [])))
    return samples
