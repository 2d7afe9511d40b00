#!/usr/bin/python3
"""Prints the demo's results table from a cf-eval report: the OpenDriver report's Table 1 in
miniature (slurm/demo_chain.sh runs it at the end).

usage: slurm/lib/results_table.py EVAL_DIR [--require MODEL...]

Rows: the models of the report in chain order (direct = untrained, sft_labeled = SFT on the
labeled part only, sft = SFT on labeled + synthetic, spin_rN = SPIN round N). Columns: the
CODA-style task scores (0-100) general perception, region perception, driving suggestion, and
the per-field annotation score (mean over the annotation fields of the per-field means, 1-5),
all on the same held-out eval questions; then Elo (with its CI) and win rate, and the plots.
--require: exit 1 naming what is missing unless these models have a score in every column.
"""
import json
import os
import sys

ROW_NAMES = {"direct": "Direct (untrained)", "sft_labeled": "SFT (labeled only)",
             "sft": "SFT (labeled + synthetic)"}
TASKS = [("general", "general perception"), ("region", "region perception"),
         ("suggestion", "driving suggestion")]


def row_name(model):
    if model.startswith("spin_r") and model[6:].isdigit():
        return f"SPIN round {model[6:]}"
    return ROW_NAMES.get(model, model)


def annotation_score(report, model):
    means = [per_model[model]["mean"] for per_model in report.get("fields", {}).values() if model in per_model]
    return sum(means) / len(means) if means else None


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    eval_dir, require = args[0], []
    if len(args) > 1:
        if args[1] != "--require":
            sys.exit(f"results_table: unknown argument '{args[1]}'")
        require = args[2:]
    path = os.path.join(eval_dir, "report.json")
    report = json.load(open(path))
    tasks, missing = report.get("tasks", {}), []
    by_task = report.get("samples_by_task", {})
    head = [f"{label} ({by_task.get(t, 0)} q.)" for t, label in TASKS]
    print(f"| model | {' | '.join(head)} | annotation fields 1-5 ({by_task.get('annotation', 0)} q.) |")
    print("|---|" + "---:|" * (len(TASKS) + 1))
    for model in report["models"]:
        cells = []
        for task, _ in TASKS:
            s = tasks.get(task, {}).get(model, {}).get("score_100")
            cells.append("-" if s is None else f"{s:.1f}")
            if s is None and model in require:
                missing.append(f"{model}: task {task}")
        a = annotation_score(report, model)
        if a is None and model in require:
            missing.append(f"{model}: annotation fields")
        cells.append("-" if a is None else f"{a:.2f}")
        print(f"| {row_name(model)} | " + " | ".join(cells) + " |")
    missing += [f"{m}: not in the report" for m in require if m not in report["models"]]
    print(f"\n{report['samples']} eval samples, judge {report['judge']}; "
          f"fields: {', '.join(sorted(report.get('fields', {}))) or 'none'}")
    ratings = report.get("pairwise", {}).get("ratings", {})
    for model in sorted(ratings, key=lambda m: -ratings[m]["rating"]):
        r = ratings[model]
        print(f"Elo {model}: {r['rating']:.0f} [{r['ci_low']:.0f}, {r['ci_high']:.0f}]  win rate "
              f"{r['win_rate']:.3f} (W/T/L {r['wins']}/{r['ties']}/{r['losses']})")
    print(f"report: {os.path.join(eval_dir, 'report.md')}")
    for plot in report.get("plots", []):
        print(f"plot: {plot}")
    for err in report.get("plot_errors", []):
        print(f"plot error: {err}")
    if missing:
        sys.exit(f"results_table: {path} lacks " + "; ".join(missing))


if __name__ == "__main__":
    main()
