#!/usr/bin/python3
"""Asserts that stage outputs are identical: same manifest, same shard files, same contents.

usage: compare_outputs.py OUT_A OUT_B [OUT_C ...]
"""
import os
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import shards  # noqa: E402


def load(out):
    result = {}
    man = os.path.join(out, "manifest.h5")
    if os.path.exists(man):
        with h5py.File(man, "r") as f:
            result["manifest.h5"] = ({}, {"items": shards.read_table(f, "items")})
    for p in shards.shard_paths(out):
        attrs, tables = shards.read_shard(p)
        result[os.path.basename(p)] = ({k: attrs[k] for k in ("cf_checksum", "cf_item_count", "cf_meta")}, tables)
    return result


def equal(a, b):
    if isinstance(a, list):
        return a == b
    return a.dtype == b.dtype and np.array_equal(a, b)


def main():
    ref_dir, others = sys.argv[1], sys.argv[2:]
    ref = load(ref_dir)
    for other_dir in others:
        other = load(other_dir)
        assert sorted(ref) == sorted(other), f"{other_dir}: files {sorted(other)} != {sorted(ref)}"
        for name, (attrs, tables) in ref.items():
            o_attrs, o_tables = other[name]
            for k, v in attrs.items():
                assert o_attrs[k] == v, f"{other_dir}/{name}: attribute {k} differs"
            for g, t in tables.items():
                assert sorted(t) == sorted(o_tables[g]), f"{other_dir}/{name}: columns of {g} differ"
                for col in t:
                    assert equal(t[col], o_tables[g][col]), f"{other_dir}/{name}: {g}/{col} differs"
    print(f"compare_outputs: {len(ref)} files identical across {1 + len(others)} outputs")


if __name__ == "__main__":
    main()
