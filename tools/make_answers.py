#!/usr/bin/env python3
"""Answer files for cf-eval made from a cf-scenegen corpus's ground truth (demo and tests).

Writes OUT/<model>.jsonl in the answers format of docs/stages/eval.md for three models:
  perfect   answers = the ground truth (references)
  noisy     each annotation field / answer degraded with probability 0.5
  degraded  every field / answer degraded
Samples: one clip annotation per clip (task annotation), and per image its annotation (task
annotation, without the clip-only meta-action) plus CODA-style questions built from the labels:
general, region (the largest object), suggestion and closed (a count). Degrading is seeded:
enums move to another value, booleans flip, integers change, lists change, free text is taken
from another scene (or replaced), closed answers are off by one.

usage: tools/make_answers.py CORPUS OUT [--seed 7] [--max-images N]
"""
import argparse
import glob
import json
import os
import random

WEATHERS = ["Clear skies", "Overcast", "Partly cloudy", "Light rain", "Heavy rain", "Light snow", "Dense fog", "N/A"]
LIGHTINGS = ["Daytime (diffused light)", "Daytime (low-contrast daylight)", "Daytime (direct sunlight)",
             "Night (poorly lit; few/no streetlights)", "Night (well-lit by streetlights)"]
ACTIONS = ["In-lane nudging", "Yield to VRUs", "Vehicle following", "Out-of-lane nudging", "Yield to vehicles",
           "Overtake VRUs", "Vehicle cut-in ahead", "React to animals", "Overtake vehicles"]
FIELDS = ["weather", "lighting", "road_conditions", "traffic_light", "traffic_sign", "additional_traffic_rules",
          "road_type", "junction_type", "lane_type", "additional_map_rules", "interactive_expanded_metaaction",
          "safety_analysis", "driving_difficulty", "rule_violation", "interesting_scenario"]
FILLER = "A quiet road with nothing of note; the ego vehicle keeps its speed."


def degrade_value(field, value, others, rng):
    if field == "weather":
        return rng.choice([w for w in WEATHERS if w != value])
    if field == "lighting":
        return rng.choice([w for w in LIGHTINGS if w != value])
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value % 4 + 1
    if field == "interactive_expanded_metaaction":
        cur = set(value or [])
        return [rng.choice([a for a in ACTIONS if a not in cur])]
    pool = [o.get(field) for o in others if isinstance(o.get(field), str) and o.get(field) != value]
    if value is None:
        return rng.choice(pool) if pool else FILLER
    return rng.choice(pool) if pool and rng.random() < 0.7 else None if rng.random() < 0.5 else FILLER


def degrade_annotation(ann, others, rng, p):
    out = dict(ann)
    for k in ann:
        if rng.random() < p:
            out[k] = degrade_value(k, ann[k], others, rng)
    return out


def degrade_text(task, ref, pool, rng):
    if task == "closed":
        return str(int(ref) + 1) if ref.isdigit() else ("No" if ref.lower().startswith("yes") else "Yes")
    others = [t for t in pool if t != ref]
    if others and rng.random() < 0.7:
        return rng.choice(others)
    words = ref.split()
    rng.shuffle(words)
    return " ".join(words[: max(1, len(words) // 3)])


def name_of(o):
    a = o.get("attributes", {})
    kind = (a.get("kind") or o["class"]).replace("_", " ")
    return f"{a.get('color', '')} {kind}".strip()


def image_questions(item, lab):
    objs = sorted(lab["objects"], key=lambda o: -o.get("area", 0))
    ann = lab["annotation"]
    out = [dict(sample_id=item + "#general", item_id=item, task="general",
                question="Describe the road users and obstacles in this scene and how they affect the ego vehicle.",
                reference=ann["safety_analysis"])]
    if objs:
        o = objs[0]
        loc = o.get("attributes", {}).get("location", "road").replace("_", " ")
        out.append(dict(sample_id=item + "#region", item_id=item, task="region",
                        question=f"What is the object in the region {o['box']} and why does it matter for driving?",
                        reference=f"It is a {name_of(o)} ({o['class'].replace('_', ' ')}) on the {loc}. "
                                  f"The ego vehicle has to keep track of it and leave a safe distance."))
    classes = {o["class"] for o in objs}
    advice = []
    if "pedestrian" in classes or "cyclist" in classes:
        advice.append("Slow down and be ready to yield to pedestrians and cyclists.")
    if ann.get("traffic_light", "No traffic light") != "No traffic light":
        advice.append("Obey the traffic light ahead.")
    if "wet" in ann.get("road_conditions", "").lower() or "snow" in ann.get("road_conditions", "").lower():
        advice.append("Increase the following distance because the road is slippery.")
    advice.append("Keep to the lane and maintain a safe speed.")
    out.append(dict(sample_id=item + "#suggestion", item_id=item, task="suggestion",
                    question="What should the ego vehicle do next, and why?", reference=" ".join(advice)))
    n = sum(1 for o in objs if o["class"] == "car")
    out.append(dict(sample_id=item + "#closed", item_id=item, task="closed",
                    question="How many cars are visible in the image?", reference=str(n)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--max-images", type=int, default=0)
    a = ap.parse_args()
    samples = []  # (sample, annotation dict or None)
    anns = []
    for path in sorted(glob.glob(os.path.join(a.corpus, "clips", "clip_*.json"))):
        c = json.load(open(path))
        ann = {k: c[k] for k in FIELDS if k in c}
        item = c.get("video", os.path.relpath(path, a.corpus))
        anns.append(ann)
        samples.append((dict(sample_id=item + "#annotation", item_id=item, task="annotation",
                             question="Annotate the driving clip in the Cosmos AV schema (JSON)."), ann))
    labels = sorted(glob.glob(os.path.join(a.corpus, "labels", "scene_*.json")))
    if a.max_images:
        labels = labels[: a.max_images]
    for path in labels:
        lab = json.load(open(path))
        item = lab.get("image", "images/" + os.path.basename(path)[:-5] + ".jpg")
        anns.append(lab["annotation"])
        samples.append((dict(sample_id=item + "#annotation", item_id=item, task="annotation",
                             question="Annotate the driving scene in the Cosmos AV schema (JSON)."), lab["annotation"]))
        samples += [(q, None) for q in image_questions(item, lab)]
    if not samples:
        raise SystemExit(f"no clips/*.json or labels/*.json under {a.corpus}")
    pools = {}
    for s, ann in samples:
        if ann is None:
            pools.setdefault(s["task"], []).append(s["reference"])
    os.makedirs(a.out, exist_ok=True)
    for model, p in (("perfect", 0.0), ("noisy", 0.5), ("degraded", 1.0)):
        rng = random.Random(f"{a.seed}:{model}")
        with open(os.path.join(a.out, model + ".jsonl"), "w") as f:
            for s, ann in samples:
                row = dict(s, model=model)
                if ann is not None:
                    row["reference"] = json.dumps(ann)
                    others = [o for o in anns if o is not ann]
                    row["answer"] = json.dumps(degrade_annotation(ann, others, rng, p))
                else:
                    degrade = rng.random() < p
                    row["answer"] = degrade_text(s["task"], s["reference"], pools[s["task"]], rng) if degrade else s["reference"]
                f.write(json.dumps(row) + "\n")
    print(f"{len(samples)} samples x 3 models -> {a.out}")


if __name__ == "__main__":
    main()
