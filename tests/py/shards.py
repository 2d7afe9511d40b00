"""Reads cornerforge HDF5 shards with h5py (a peer implementation for tests, see docs/formats.md)."""
import glob
import os
import zlib

import h5py
import numpy as np


def column(group, name):
    """One column: numpy array for numeric columns, list of bytes for byte columns."""
    obj = group[name]
    if isinstance(obj, h5py.Group):
        data = obj["data"][()].tobytes() if obj["data"].shape[0] else b""
        off = obj["offsets"][()]
        return [data[off[i]:off[i + 1]] for i in range(len(off) - 1)]
    return obj[()]


def read_table(f, group):
    g = f[group]
    return {name: column(g, name) for name in g}


def checksum(tables):
    """CRC-32 of the content, computed as the C++ writer does (independent re-implementation)."""
    crc = 0
    groups = ["items", "failures"] + sorted(g for g in tables if g.startswith("tables/"))
    for gname in groups:
        for name in sorted(tables[gname]):
            col = tables[gname][name]
            if isinstance(col, list):
                kind = 2
            elif col.dtype == np.float32:
                kind = 1
            else:
                kind = 0
            crc = zlib.crc32(f"{gname}/{name}:{kind}".encode(), crc)
            if kind == 2:
                for s in col:
                    crc = zlib.crc32(np.int64(len(s)).tobytes(), crc)
                    crc = zlib.crc32(s, crc)
            else:
                crc = zlib.crc32(np.ascontiguousarray(col).tobytes(), crc)
    return crc


def read_shard(path):
    with h5py.File(path, "r") as f:
        attrs = {k: f.attrs[k] for k in f.attrs}
        tables = {"items": read_table(f, "items"), "failures": read_table(f, "failures")}
        for name in f.get("tables", {}):
            tables["tables/" + name] = read_table(f, "tables/" + name)
    assert attrs["cf_complete"] == 1, f"{path}: no completion record"
    assert checksum(tables) == attrs["cf_checksum"], f"{path}: checksum mismatch"
    return attrs, tables


def shard_paths(out_dir):
    return sorted(glob.glob(os.path.join(out_dir, "shard-*.h5")))
