#!/usr/bin/python3
"""Builds a small SFT dataset in the merged-dataset format from a cf-scenegen corpus.

usage: make_sft_set.py CORPUS OUT [--eval N] [--seed S] [--shard-size K]

Questions and answers come from the ground-truth labels (CORPUS/labels/scene_*.json): closed
questions (weather, day or night, presence of pedestrians/cyclists/animals/debris/traffic
lights, car count 0..5+, traffic light colour, sign types), a description, a region question,
the annotation's safety analysis, a driving suggestion, and two-image comparisons. Images are
the scene JPEGs, byte for byte. Clips are skipped: they are mp4 and this script has no video
decoder (no cv2/PIL here); the future cf-merge takes clip frames from the ingest shards.
Scenes are split into OUT/train and OUT/eval (N scenes, by a seeded shuffle); each split is a
stage directory (plan.json, stage "merge", shard-NNNNNN.h5) readable by cf::read_shard.
The format is in docs/stages/dataset.md. Same corpus + seed -> same shard contents.
"""
import argparse
import glob
import hashlib
import json
import os
import random
import shutil
import sys
import zlib

import h5py
import numpy as np

CLOSED_SUFFIX = " Answer with a single word or phrase."
WEATHER = {"clear": "Clear", "partly_cloudy": "Partly cloudy", "overcast": "Overcast",
           "light_rain": "Light rain", "heavy_rain": "Heavy rain", "light_snow": "Light snow",
           "fog": "Fog"}
PRESENCE = [("pedestrian", "a pedestrian"), ("cyclist", "a cyclist"), ("animal", "an animal"),
            ("debris", "debris"), ("traffic_light", "a traffic light")]
NUMBER = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def words(n, noun):
    count = NUMBER[n] if n < len(NUMBER) else str(n)
    return f"{count} {noun}" + ("" if n == 1 else ("es" if noun.endswith("s") else "s"))


def sign_name(o):
    a = o["attributes"]
    kind = a.get("kind", "unknown").replace("_", " ")
    if a.get("kind") == "speed_limit" and "speed_limit_kmh" in a:
        return f"speed limit {a['speed_limit_kmh']} km/h"
    if a.get("kind") == "curve_ahead" and "direction" in a:
        return f"curve {a['direction']} ahead"
    return kind


def by_class(label, cls):
    return [o for o in label["objects"] if o["class"] == cls]


def light_state(label):
    lights = sorted(by_class(label, "traffic_light"), key=lambda o: -o["area"])
    return lights[0]["attributes"].get("state") if lights else None


def describe(label):
    road = label["road"]
    time = "night-time" if label["time_of_day"] == "night" else "daytime"
    parts = [f"A {time} dashcam view of a {road['type'].replace('_', ' ')} road in "
             f"{WEATHER.get(label['weather'], label['weather']).lower()} weather, "
             f"with a {road['surface'].replace('_', ' ')} surface."]
    counts = []
    for cls, noun in [("car", "car"), ("truck", "truck"), ("bus", "bus"), ("pedestrian", "pedestrian"),
                      ("cyclist", "cyclist"), ("animal", "animal"), ("debris", "piece")]:
        n = len(by_class(label, cls))
        if n:
            counts.append(words(n, noun) + (" of debris" if cls == "debris" else ""))
    if counts:
        parts.append("Visible: " + ", ".join(counts) + ".")
    signs = sorted({sign_name(o) for o in by_class(label, "traffic_sign")})
    if signs:
        parts.append("Signs: " + ", ".join(signs) + ".")
    if light_state(label):
        parts.append(f"The nearest traffic light is {light_state(label)}.")
    hazards = [o for o in label["objects"] if o["attributes"].get("corner_case")]
    if hazards:
        parts.append("Hazard on the road: " + ", ".join(
            f"{o['attributes'].get('kind', o['class']).replace('_', ' ')} ({o['class']})" for o in hazards) + ".")
    return " ".join(parts)


def suggestion(label):
    for o in label["objects"]:
        if not o["attributes"].get("corner_case"):
            continue
        kind = o["attributes"].get("kind", o["class"]).replace("_", " ")
        if o["class"] == "animal":
            return f"Brake and wait: a {kind} is on the road ahead."
        if o["class"] == "pedestrian":
            return "Slow down and yield: a pedestrian is crossing outside a crosswalk."
        return f"Slow down and steer around the {kind} on the road, keeping a safe gap."
    state = light_state(label)
    if state == "red":
        return "Stop at the red light and wait for green."
    if state == "yellow":
        return "Prepare to stop: the light is turning red."
    if label["time_of_day"] == "night" or label["weather"] in ("heavy_rain", "fog", "light_snow"):
        return "Reduce speed and increase the following distance for the poor visibility."
    return "Continue in the lane at a safe speed and keep watching the traffic around."


def scene_samples(label, rng):
    """(task, question, answer, closed) for one image, from its labels."""
    out = [("closed", rng.choice(["What is the weather like?", "How is the weather in this scene?"]),
            WEATHER.get(label["weather"], label["weather"]), 1),
           ("closed", "Is it day or night?", "Night" if label["time_of_day"] == "night" else "Day", 1)]
    for cls, phrase in PRESENCE:
        out.append(("closed", f"Is there {phrase} in the image?", "Yes" if by_class(label, cls) else "No", 1))
    cars = len(by_class(label, "car"))
    out.append(("closed", "How many cars are visible?", "5 or more" if cars >= 5 else str(cars), 1))
    if light_state(label):
        out.append(("closed", "What colour is the nearest traffic light?", light_state(label).capitalize(), 1))
    signs = sorted({sign_name(o) for o in by_class(label, "traffic_sign")})
    out.append(("closed", "Which traffic signs can be seen?", ", ".join(signs) if signs else "None", 1))
    out = [(t, q + CLOSED_SUFFIX, a, c) for t, q, a, c in out]
    out.append(("detail", rng.choice(["Describe the scene in detail.", "What does the dashcam show?"]),
                describe(label), 0))
    objects = [o for o in label["objects"] if o["area"] >= 200]
    if objects:
        o = rng.choice(objects)
        x, y, w, h = o["box"]
        W, H = label["width"], label["height"]
        box = f"[{x / W:.2f}, {y / H:.2f}, {(x + w) / W:.2f}, {(y + h) / H:.2f}]"
        kind = o["attributes"].get("kind", "").replace("_", " ")
        name = sign_name(o) + " sign" if o["class"] == "traffic_sign" else f"{kind} {o['class'].replace('_', ' ')}".strip()
        out.append(("region", f"What is the object in the region {box}?", f"A {name}.", 0))
    if label.get("annotation", {}).get("safety_analysis"):
        out.append(("reasoning", "What should a driver pay attention to here, and why?",
                    " ".join(label["annotation"]["safety_analysis"].split()), 0))
    out.append(("suggestion", "What should the ego vehicle do next?", suggestion(label), 0))
    return out


def pair_sample(a, b):
    na, nb = len(by_class(a, "car")), len(by_class(b, "car"))
    ans = "Image 1" if na > nb else "Image 2" if nb > na else "Both show the same number"
    return ("comparison", "Which image shows more cars, image 1 or image 2?" + CLOSED_SUFFIX, ans, 1)


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


def prepare_out(out):
    marker = os.path.join(out, ".cornerforge.json")
    if os.path.isdir(out) and os.listdir(out):
        if not os.path.exists(marker) or json.load(open(marker)).get("stage") != "merge":
            sys.exit(f"make_sft_set: '{out}' is not empty and is not a merged dataset; refusing to write there")
        for split in ("train", "eval"):
            shutil.rmtree(os.path.join(out, split), ignore_errors=True)
    os.makedirs(out, exist_ok=True)
    with open(marker, "w") as f:
        json.dump({"stage": "merge", "format": "cornerforge-1", "generator": "tools/make_sft_set.py"}, f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("out")
    ap.add_argument("--eval", type=int, default=8, help="scenes held out for OUT/eval (default 8)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--shard-size", type=int, default=256, help="samples per shard at most")
    args = ap.parse_args()
    paths = sorted(glob.glob(os.path.join(args.corpus, "labels", "scene_*.json")))
    if not paths:
        sys.exit(f"make_sft_set: no labels/scene_*.json under '{args.corpus}' (is it a cf-scenegen corpus?)")
    if not 0 <= args.eval < len(paths):
        sys.exit(f"make_sft_set: --eval {args.eval} must leave training scenes ({len(paths)} scenes)")
    h = hashlib.sha256(f"{args.seed}|{args.eval}|{args.shard_size}".encode())
    scenes = []
    for p in paths:
        with open(p, "rb") as f:
            raw = f.read()
        label = json.loads(raw)
        with open(os.path.join(args.corpus, label["image"]), "rb") as f:
            jpeg = f.read()
        h.update(raw + hashlib.sha256(jpeg).digest())
        scenes.append((label, jpeg))
    order = list(range(len(scenes)))
    random.Random(args.seed).shuffle(order)
    splits = {"eval": sorted(order[:args.eval]), "train": sorted(order[args.eval:])}
    prepare_out(args.out)
    clips = len(glob.glob(os.path.join(args.corpus, "clips", "*.json")))
    summary = {"scenes": len(scenes), "clips_skipped": clips}
    for split, idxs in splits.items():
        samples = []
        for pos, i in enumerate(idxs):
            label, jpeg = scenes[i]
            rng = random.Random(f"{args.seed}:{label['image']}")
            for k, (task, q, a, closed) in enumerate(scene_samples(label, rng)):
                samples.append((f"{label['image']}#q{k:02d}", label["image"], task, q, a, closed, [jpeg]))
            if pos % 2 == 1:  # a two-image comparison with the previous scene of the split
                prev_label, prev_jpeg = scenes[idxs[pos - 1]]
                task, q, a, closed = pair_sample(prev_label, label)
                samples.append((f"{prev_label['image']}+{label['image']}#cmp", f"{prev_label['image']}|{label['image']}",
                                task, q, a, closed, [prev_jpeg, jpeg]))
        shards = write_split(os.path.join(args.out, split), samples, args.shard_size, h.hexdigest(), split)
        summary[split] = {"scenes": len(idxs), "samples": len(samples), "shards": shards}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
