#!/usr/bin/python3
"""Checks an ingest output against its corpus: every unit exactly once (output or failure table),
expected failures and duplicates, strings and JPEG payloads readable with h5py.

usage: check_ingest.py OUT CORPUS [--expect-fixtures]
"""
import collections
import os
import sys

import h5py

sys.path.insert(0, os.path.dirname(__file__))
import shards  # noqa: E402


def main():
    out, corpus = sys.argv[1], sys.argv[2]
    fixtures = "--expect-fixtures" in sys.argv
    with h5py.File(os.path.join(out, "manifest.h5"), "r") as f:
        manifest = [p.decode() for p in shards.column(f["items"], "path")]
        kinds = list(shards.column(f["items"], "kind"))
    paths = shards.shard_paths(out)
    assert paths, "no shards"
    assert not os.path.exists(os.path.join(out, ".staging")), "staging left behind"
    seen = collections.Counter()  # unit id -> times seen
    by_source = collections.defaultdict(set)
    failures = {}
    for p in paths:
        attrs, t = shards.read_shard(p)
        items, fails = t["items"], t["failures"]
        assert attrs["cf_item_count"] == len(items["item_id"])
        for i, item in enumerate(items["item_id"]):
            clip = items["clip_id"][i].decode()
            unit = clip or item.decode()
            if not clip or items["frame_index"][i] == 0:
                seen[unit] += 1
            by_source[items["source"][i].decode()].add(unit)
            jpeg = items["image"][i]
            assert jpeg[:3] == b"\xff\xd8\xff" and jpeg[-2:] == b"\xff\xd9", f"{item}: not a JPEG"
            assert 0 < items["width"][i] <= 640 and 0 < items["height"][i] <= 640
        for i, item in enumerate(fails["item_id"]):
            unit = item.decode()
            seen[unit] += 1
            by_source[fails["source"][i].decode()].add(unit)
            failures[unit] = (fails["kind"][i].decode(), fails["reason"][i].decode())
    dup = [u for u, n in seen.items() if n != 1]
    assert not dup, f"units seen more than once: {dup}"
    missing = [m for m in manifest if m not in by_source]
    assert not missing, f"manifest entries with no output and no failure: {missing}"
    extra = [s for s in by_source if s not in manifest]
    assert not extra, f"sources not in the manifest: {extra}"
    if fixtures:
        for name in manifest:
            base = os.path.basename(name)
            if base.startswith("bad_"):
                assert failures.get(name, ("", ""))[0] == "error", f"{name} should have failed"
                assert failures[name][1], f"{name}: empty reason"
            elif base.startswith("dup_"):
                assert failures.get(name, ("", ""))[0] == "duplicate", f"{name} should be a duplicate"
            else:
                assert name not in failures, f"{name} failed: {failures.get(name)}"
        assert any(k == 1 for k in kinds), "fixture corpus should contain videos"
        for root, dirs, files in os.walk(os.path.dirname(os.path.abspath(out)) or "."):
            assert "INJECTED" not in files, "a file name was executed by a shell"
    n_ok = sum(len(shards.read_shard(p)[1]["items"]["item_id"]) for p in paths)
    print(f"check_ingest: {len(manifest)} files, {len(seen)} units, {n_ok} rows, "
          f"{sum(1 for k, _ in failures.values() if k == 'error')} errors, "
          f"{sum(1 for k, _ in failures.values() if k == 'duplicate')} duplicates: OK")


if __name__ == "__main__":
    main()
