#!/usr/bin/python3
"""Builds a small SFT dataset in the merged-dataset format from a cf-scenegen corpus.

usage: make_sft_set.py CORPUS OUT [--eval N | --eval-corpus DIR] [--coda] [--synthetic DIR]
                       [--id-prefix P] [--seed S] [--shard-size K]

Questions and answers come from the ground-truth labels (CORPUS/labels/scene_*.json): closed
questions (weather, day or night, presence of pedestrians/cyclists/animals/debris/traffic
lights, car count 0..5+, traffic light colour, sign types), a description, a region question,
the annotation's safety analysis, a driving suggestion, and two-image comparisons. Images are
the scene JPEGs, byte for byte. Clips are skipped: they are mp4 and this script has no video
decoder (no cv2/PIL here); the future cf-merge takes clip frames from the ingest shards.
Scenes are split into OUT/train and OUT/eval (N scenes, by a seeded shuffle); each split is a
stage directory (plan.json, stage "merge", shard-NNNNNN.h5) readable by cf::read_shard.
The format is in docs/stages/dataset.md. Same corpus + seed -> same shard contents.
The demo chain (slurm/submit.sh, job "labeled") uses the options below to build the labeled
part of Table 1 of the OpenDriver report in miniature (docs/slurm.md):
  --eval-corpus DIR  OUT/eval is made of every scene of another corpus (item ids prefixed
                     "eval/"), CORPUS goes to OUT/train whole (--eval must stay 0)
  --coda             every scene also gets an `annotation` sample (a compact Cosmos annotation
                     as JSON: ANNOTATION_FIELDS), and OUT/eval keeps only the CODA-style tasks
                     general (the description), region, suggestion and annotation
  --synthetic DIR    also writes OUT/mixed: OUT/train's samples followed by every sample of DIR,
                     a merged-dataset split (cf-merge's OUT/train)
  --id-prefix P      prefix of CORPUS's item and sample ids (keeps them apart from DIR's)
"""
import argparse
import glob
import hashlib
import json
import os
import random
import shutil
import sys


from merged_split_io import read_split, write_split

CLOSED_SUFFIX = " Answer with a single word or phrase."
WEATHER = {"clear": "Clear", "partly_cloudy": "Partly cloudy", "overcast": "Overcast",
           "light_rain": "Light rain", "heavy_rain": "Heavy rain", "light_snow": "Light snow",
           "fog": "Fog"}
PRESENCE = [("pedestrian", "a pedestrian"), ("cyclist", "a cyclist"), ("animal", "an animal"),
            ("debris", "debris"), ("traffic_light", "a traffic light")]
ANNOTATION_FIELDS = ["weather", "lighting", "traffic_light", "driving_difficulty", "rule_violation",
                     "interesting_scenario"]
ANNOTATION_QUESTION = "Annotate the driving scene as JSON with the fields " + ", ".join(ANNOTATION_FIELDS) + "."
CODA_EVAL_TASKS = {"detail": "general", "region": "region", "suggestion": "suggestion", "annotation": "annotation"}
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


def scene_samples(label, rng, annotation=False):
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
        cls = o["class"].replace("_", " ")
        name = sign_name(o) + " sign" if o["class"] == "traffic_sign" else kind if kind.endswith(cls) else f"{kind} {cls}".strip()
        out.append(("region", f"What is the object in the region {box}?", f"A {name}.", 0))
    if label.get("annotation", {}).get("safety_analysis"):
        out.append(("reasoning", "What should a driver pay attention to here, and why?",
                    " ".join(label["annotation"]["safety_analysis"].split()), 0))
    out.append(("suggestion", "What should the ego vehicle do next?", suggestion(label), 0))
    if annotation and label.get("annotation"):
        ann = {k: label["annotation"][k] for k in ANNOTATION_FIELDS if k in label["annotation"]}
        out.append(("annotation", ANNOTATION_QUESTION, json.dumps(ann), 0))
    return out


def pair_sample(a, b):
    na, nb = len(by_class(a, "car")), len(by_class(b, "car"))
    ans = "Image 1" if na > nb else "Image 2" if nb > na else "Both show the same number"
    return ("comparison", "Which image shows more cars, image 1 or image 2?" + CLOSED_SUFFIX, ans, 1)


def prepare_out(out):
    marker = os.path.join(out, ".cornerforge.json")
    if os.path.isdir(out) and os.listdir(out):
        if not os.path.exists(marker) or json.load(open(marker)).get("stage") != "merge":
            sys.exit(f"make_sft_set: '{out}' is not empty and is not a merged dataset; refusing to write there")
        for split in ("train", "eval", "mixed"):
            shutil.rmtree(os.path.join(out, split), ignore_errors=True)
    os.makedirs(out, exist_ok=True)
    with open(marker, "w") as f:
        json.dump({"stage": "merge", "format": "cornerforge-1", "generator": "tools/make_sft_set.py"}, f)


def load_scenes(corpus, h):
    paths = sorted(glob.glob(os.path.join(corpus, "labels", "scene_*.json")))
    if not paths:
        sys.exit(f"make_sft_set: no labels/scene_*.json under '{corpus}' (is it a cf-scenegen corpus?)")
    scenes = []
    for p in paths:
        with open(p, "rb") as f:
            raw = f.read()
        label = json.loads(raw)
        with open(os.path.join(corpus, label["image"]), "rb") as f:
            jpeg = f.read()
        h.update(raw + hashlib.sha256(jpeg).digest())
        scenes.append((label, jpeg))
    return scenes


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("out")
    ap.add_argument("--eval", type=int, default=None, help="scenes held out for OUT/eval (default 8; 0 with --eval-corpus)")
    ap.add_argument("--eval-corpus", default="", help="a corpus whose scenes make OUT/eval")
    ap.add_argument("--coda", action="store_true", help="annotation samples; CODA-style tasks only in OUT/eval")
    ap.add_argument("--synthetic", default="", help="a merged-dataset split to append to OUT/train as OUT/mixed")
    ap.add_argument("--id-prefix", default="", help="prefix of CORPUS's item and sample ids")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--shard-size", type=int, default=256, help="samples per shard at most")
    args = ap.parse_args()
    if args.eval is None:
        args.eval = 0 if args.eval_corpus else 8
    options = f"|{args.coda}|{args.id_prefix}" if args.coda or args.id_prefix else ""
    h = hashlib.sha256(f"{args.seed}|{args.eval}|{args.shard_size}{options}".encode())
    scenes = [(label, jpeg, args.id_prefix) for label, jpeg in load_scenes(args.corpus, h)]
    if args.eval_corpus and args.eval:
        sys.exit("make_sft_set: --eval-corpus takes the eval scenes from another corpus; --eval must be 0")
    if not 0 <= args.eval < len(scenes):
        sys.exit(f"make_sft_set: --eval {args.eval} must leave training scenes ({len(scenes)} scenes)")
    order = list(range(len(scenes)))
    random.Random(args.seed).shuffle(order)
    splits = {"eval": sorted(order[:args.eval]), "train": sorted(order[args.eval:])}
    if args.eval_corpus:
        h.update(b"eval-corpus")
        held_out = load_scenes(args.eval_corpus, h)
        splits["eval"] = list(range(len(scenes), len(scenes) + len(held_out)))
        scenes += [(label, jpeg, "eval/") for label, jpeg in held_out]
    synthetic = read_split(args.synthetic) if args.synthetic else None
    prepare_out(args.out)
    clips = len(glob.glob(os.path.join(args.corpus, "clips", "*.json")))
    summary = {"scenes": len(scenes), "clips_skipped": clips}
    for split, idxs in splits.items():
        coda_eval = args.coda and split == "eval"
        samples = []
        for pos, i in enumerate(idxs):
            label, jpeg, prefix = scenes[i]
            item = prefix + label["image"]
            rng = random.Random(f"{args.seed}:{label['image']}")
            for k, (task, q, a, closed) in enumerate(scene_samples(label, rng, args.coda)):
                if coda_eval and task not in CODA_EVAL_TASKS:
                    continue
                samples.append((f"{item}#q{k:02d}", item, CODA_EVAL_TASKS[task] if coda_eval else task, q, a, closed, [jpeg]))
            if pos % 2 == 1 and not coda_eval:  # a two-image comparison with the previous scene of the split
                prev_label, prev_jpeg, prev_prefix = scenes[idxs[pos - 1]]
                prev_item = prev_prefix + prev_label["image"]
                task, q, a, closed = pair_sample(prev_label, label)
                samples.append((f"{prev_item}+{item}#cmp", f"{prev_item}|{item}", task, q, a, closed, [prev_jpeg, jpeg]))
        shards = write_split(os.path.join(args.out, split), samples, args.shard_size, h.hexdigest(), split)
        summary[split] = {"scenes": len(idxs), "samples": len(samples), "shards": shards}
        if split == "train" and synthetic is not None:
            mixed = samples + synthetic
            mix_hash = hashlib.sha256((h.hexdigest() + open(os.path.join(args.synthetic, "plan.json")).read()).encode())
            shards = write_split(os.path.join(args.out, "mixed"), mixed, args.shard_size, mix_hash.hexdigest(), "mixed")
            summary["mixed"] = {"labeled": len(samples), "synthetic": len(synthetic), "samples": len(mixed), "shards": shards}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
