#!/usr/bin/env bash
# Retrieval benchmark (docs/benchmarks.md): the cf-build-db FAISS database (IndexHNSWFlat, the
# cf-build-db defaults M=32, efConstruction=80, chosen above db.flat_max) against exact search
# (IndexFlatIP) on N clustered random unit vectors of the builtin descriptor's dimension, in one
# run: build time, queries/s and recall@1 (a tie with the exact best counts as a hit) for
# efSearch 16..128.
#
#   tools/bench/bench_retrieval.sh [N=100000] [QUERIES=2000] [THREADS=1]
#
# Builds nothing; uses $BUILD/src/synth/retrieve/cf-bench-retrieval (BUILD default: build).
set -euo pipefail
N=${1:-100000}
Q=${2:-2000}
THREADS=${3:-1}
BUILD=${BUILD:-build}
BIN=$BUILD/src/synth/retrieve/cf-bench-retrieval
[[ -x $BIN ]] || { echo "bench_retrieval: missing '$BIN' (build first; BUILD=$BUILD)" >&2; exit 2; }
T=$(mktemp -d "${TMPDIR:-/tmp}/cf-bench-retrieval.XXXXXX")
trap 'rm -rf "$T"' EXIT
echo "[bench] N=$N queries=$Q threads=$THREADS, $(nproc) cores, $(uptime | sed 's/.*load/load/')" >&2
"$BIN" "$N" "$Q" "$THREADS" "$T/db" | tee "$T/out.jsonl" >&2
/usr/bin/python3 - "$T/out.jsonl" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
exact = rows[0]
print(f"| method | efSearch | queries/s | speed-up | recall@1 | build s |")
print(f"|---|---|---|---|---|---|")
print(f"| exact IndexFlatIP | - | {exact['qps']:.0f} | 1.0 | 1.000 | - |")
for r in rows[1:]:
    print(f"| {r['method']} | {r['ef_search']} | {r['qps']:.0f} | {r['qps'] / exact['qps']:.1f} | "
          f"{r['recall_at_1']:.3f} | {r['build_seconds']:.1f} |")
print(f"\nN={exact['n']} vectors, dim {exact['dim']}, {exact['queries']} queries, {exact['threads']} thread(s)")
PYEOF
