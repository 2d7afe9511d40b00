#!/usr/bin/env python3
"""The folder graph of cornerforge, read from the #include lines (stdlib only, any python3).

    tools/folder_graph.py            # the graph as a markdown table (folder -> folders it includes)
    tools/folder_graph.py --check    # exit 1 when a folder includes one above it or folders form a loop
    tools/folder_graph.py --update docs/architecture.md
                                     # rewrite the block between the graph markers of that file
    tools/folder_graph.py --check docs/architecture.md
                                     # also exit 1 when that file's block is not the current graph

A folder is src/<layer> (src/synth/<stage> counts as src/synth), kernels, jobs, tests or tools.
Folders are listed in layer order (src/CMakeLists.txt's order, lowest last): an include of a
folder earlier in that order is an upward arrow and fails --check, as does any loop.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = (".h", ".cpp", ".cu", ".cuh")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
BEGIN, END = "<!-- folder-graph:begin (tools/folder_graph.py --update) -->", "<!-- folder-graph:end -->"


def layer_order():
    """src/ layers from src/CMakeLists.txt's `foreach(layer ...)` line: dependencies first."""
    text = open(os.path.join(ROOT, "src", "CMakeLists.txt")).read()
    m = re.search(r"foreach\(layer ([^)]*)\)", text)
    return ["src/" + name for name in m.group(1).split()]


def folder_of(path):
    """The folder a repository-relative path belongs to (None for paths outside the tree)."""
    parts = path.split("/")
    if parts[0] == "src" and len(parts) > 2:
        return "src/" + parts[1]
    if parts[0] in ("kernels", "jobs", "tests", "tools"):
        return parts[0]
    return None


def resolve(inc, src_file):
    """Where an #include "inc" of src_file points, as a repository-relative path (or None)."""
    here = os.path.dirname(src_file)
    candidates = [os.path.join("src", inc), inc, os.path.join(here, inc)]
    # kernels/<op>/ and kernels/common/ are on the include path of every kernel target.
    candidates += [os.path.join("kernels", "common", inc), os.path.join("kernels", inc)]
    for c in candidates:
        c = os.path.normpath(c)
        if os.path.isfile(os.path.join(ROOT, c)):
            return c
    return None


def edges():
    graph = {}
    for top in ("src", "kernels", "jobs", "tests", "tools"):
        for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
            for name in files:
                if not name.endswith(SOURCES):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, name), ROOT)
                src = folder_of(rel)
                for inc in INCLUDE.findall(open(os.path.join(ROOT, rel), errors="replace").read()):
                    target = resolve(inc, rel)
                    dst = folder_of(target) if target else None
                    if dst and dst != src:
                        graph.setdefault(src, set()).add(dst)
                graph.setdefault(src, set())
    return graph


def order(graph):
    layers = layer_order()
    rank = {f: i for i, f in enumerate(layers)}
    # kernels sit below every src layer; jobs, tools and tests above all.
    rank["kernels"] = -1
    for i, top in enumerate(("jobs", "tools", "tests")):
        rank[top] = len(layers) + i
    return sorted(graph, key=lambda f: -rank.get(f, 99)), rank


def problems(graph, rank):
    out = []
    for src, dsts in sorted(graph.items()):
        for dst in sorted(dsts):
            if rank.get(dst, 99) >= rank.get(src, 99):
                out.append(f"{src} includes {dst}, which is not below it in src/CMakeLists.txt's layer order")
    # loops (Tarjan would be overkill: the graph has a dozen nodes)
    def reach(a, seen):
        for b in graph.get(a, ()):
            if b not in seen:
                seen.add(b)
                reach(b, seen)
        return seen
    for f in sorted(graph):
        if f in reach(f, set()):
            out.append(f"{f} is on a loop of folders")
    return out


def table(graph, folders):
    lines = ["| folder | includes |", "|---|---|"]
    for f in folders:
        deps = [d for d in folders if d in graph[f]]
        lines.append(f"| `{f}/` | {', '.join(d.split('/')[-1] if d.startswith('src/') else d for d in deps) or '—'} |")
    return "\n".join(lines)


def main(argv):
    graph = edges()
    folders, rank = order(graph)
    bad = problems(graph, rank)
    if "--check" in argv:
        i = argv.index("--check")
        if i + 1 < len(argv):
            doc = open(argv[i + 1]).read()
            a, b = doc.index(BEGIN) + len(BEGIN), doc.index(END)
            if doc[a:b].strip() != table(graph, folders).strip():
                bad.append(f"the folder graph in {argv[i + 1]} is out of date: run tools/folder_graph.py --update {argv[i + 1]}")
        for p in bad:
            print("folder_graph:", p, file=sys.stderr)
        return 1 if bad else 0
    text = table(graph, folders)
    if "--update" in argv:
        path = argv[argv.index("--update") + 1]
        doc = open(path).read()
        a, b = doc.index(BEGIN) + len(BEGIN), doc.index(END)
        new = doc[:a] + "\n" + text + "\n" + doc[b:]
        if new != doc:
            open(path, "w").write(new)
        return 0
    print(text)
    for p in bad:
        print("folder_graph:", p, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
