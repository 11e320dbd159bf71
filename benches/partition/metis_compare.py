#!/usr/bin/env python3
"""Compare OneGrid's partitioner with METIS on the same exchange-format input (issue 5).

METIS (pymetis) gets vertex weights = unit weights and edge weights = shared boundary metres
(rounded, at least 1), with its contiguity option on. With a cap, METIS is run with
K = ceil(total/cap) and K is raised until no part over the cap holds more than one unit
(a single unit over the cap is unavoidable), or until 40 raises bring no improvement.
Both assignments are scored by our own scorer (`<cli> --score A.csv --json`), so the figures
come from one piece of code.

Usage: metis_compare.py --cli PATH --units U.geojson --edges E.csv (--k K | --cap C)
                        --name NAME --workdir DIR [--seed S] [--repeat R]
Prints one JSON object per partitioner on stdout (consumed by run.sh), or a markdown table
with --table.
"""

import argparse
import csv
import json
import math
import os
import re
import subprocess
import sys
import time

import pymetis


def load(units_path, edges_path):
    with open(units_path) as f:
        fc = json.load(f)
    n = len(fc["features"])
    weights = [0] * n
    for feat in fc["features"]:
        p = feat["properties"]
        weights[int(p["id"])] = p["weight"]
    adj = [dict() for _ in range(n)]
    with open(edges_path) as f:
        for row in csv.DictReader(f):
            u, v = int(row["u"]), int(row["v"])
            if u == v:
                continue
            w = float(row.get("shared_m") or 1.0)
            adj[u][v] = max(adj[u].get(v, 0.0), w)
            adj[v][u] = max(adj[v].get(u, 0.0), w)
    xadj, adjncy, ew = [0], [], []
    for u in range(n):
        for v in sorted(adj[u]):
            adjncy.append(v)
            ew.append(max(1, int(round(adj[u][v]))))
        xadj.append(len(adjncy))
    vw = [int(round(w)) for w in weights]
    return n, weights, xadj, adjncy, ew, vw


class quiet:
    """Silences METIS's own messages (printed by the C library on stdout)."""

    def __enter__(self):
        sys.stdout.flush()
        self.saved = os.dup(1)
        self.null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(self.null, 1)

    def __exit__(self, *exc):
        os.dup2(self.saved, 1)
        os.close(self.saved)
        os.close(self.null)


def metis(nparts, graph, ew, vw, seed):
    opts = pymetis.Options(seed=seed, contig=1)
    with quiet():
        t = time.perf_counter()
        _, parts = pymetis.part_graph(nparts, graph, vweights=vw, eweights=ew, options=opts)
        t = time.perf_counter() - t
    return list(parts), t


def write_assignment(path, parts):
    with open(path, "w") as f:
        f.write("id,part\n")
        for i, p in enumerate(parts):
            f.write(f"{i},{p}\n")


def score(cli, units, edges, assignment, cap):
    cmd = [cli, "partition"] if cli.endswith("onegrid") else [cli]
    cmd += ["--units", units, "--edges", edges, "--score", assignment, "--json"]
    if cap is not None:
        cmd += ["--cap", str(cap)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rep = json.loads(out)
    return rep.get("report", rep)


def run_ours(cli, units, edges, k, cap, seed, out):
    cmd = [cli, "partition"] if cli.endswith("onegrid") else [cli]
    cmd += ["--units", units, "--edges", edges, "--seed", str(seed), "--out", out]
    cmd += ["--k", str(k)] if k else ["--cap", str(cap)]
    t = time.perf_counter()
    r = subprocess.run(cmd, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t
    m = re.search(r"in ([0-9.]+) ms", r.stderr)
    return (float(m.group(1)) / 1e3 if m else wall), wall


def row(name, who, rep, secs, extra=""):
    f = lambda x, d=3: "n/a" if x is None else f"{x:.{d}f}"
    over = "–" if rep.get("over_cap") is None else f"{rep['over_cap']} ({rep['over_cap_unavoidable']} unavoidable)"
    return (
        f"| {name} | {who} | {rep['parts']} | {rep['non_contiguous']} | {f(rep['max_over_target'])} | "
        f"{f(rep['min_over_target'])} | {over} | {f(rep['mean_polsby_popper'])} | {f(rep['min_polsby_popper'])} | "
        f"{rep['cut_edges']} | {f(rep['cut_length_m'], 0)} | {secs * 1e3:.1f}{extra} |"
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--units", required=True)
    ap.add_argument("--edges", required=True)
    ap.add_argument("--k", type=int)
    ap.add_argument("--cap", type=float)
    ap.add_argument("--name", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=5, help="timing: best of R runs")
    a = ap.parse_args()
    n, weights, xadj, adjncy, ew, vw = load(a.units, a.edges)
    graph = pymetis.CSRAdjacency(adj_starts=xadj, adjacent=adjncy)
    total = sum(weights)

    # METIS
    best_t = math.inf
    for _ in range(a.repeat):
        t_all = 0.0
        if a.k:
            parts, t = metis(a.k, graph, ew, vw, a.seed)
            t_all = t
            tried = [a.k]
        else:
            k = max(1, math.ceil(total / a.cap))
            best = None
            tried = []
            stale = 0
            while stale < 40 and k <= n:
                p, t = metis(k, graph, ew, vw, a.seed)
                t_all += t
                tried.append(k)
                loads, units = {}, {}
                for i, q in enumerate(p):
                    loads[q] = loads.get(q, 0) + weights[i]
                    units[q] = units.get(q, 0) + 1
                avoidable = sum(1 for q in loads if loads[q] > a.cap and units[q] > 1)
                if best is None or avoidable < best[0]:
                    best, stale = (avoidable, p), 0
                else:
                    stale += 1
                if avoidable == 0:
                    break
                k += 1
            parts = best[1]
        best_t = min(best_t, t_all)
    metis_csv = f"{a.workdir}/{a.name}.metis.csv"
    write_assignment(metis_csv, parts)
    rep_m = score(a.cli, a.units, a.edges, metis_csv, a.cap)
    extra_m = "" if a.k else f" (K tried {tried[0]}–{tried[-1]})"

    # ours
    ours_csv = f"{a.workdir}/{a.name}.onegrid.csv"
    best_o, best_wall = math.inf, math.inf
    for _ in range(a.repeat):
        t, wall = run_ours(a.cli, a.units, a.edges, a.k, a.cap, a.seed, ours_csv)
        best_o, best_wall = min(best_o, t), min(best_wall, wall)
    rep_o = score(a.cli, a.units, a.edges, ours_csv, a.cap)
    print(row(a.name, "METIS 5 (pymetis, contig)", rep_m, best_t, extra_m))
    print(row(a.name, "OneGrid", rep_o, best_o, f" (process {best_wall * 1e3:.0f})"))


if __name__ == "__main__":
    sys.exit(main())
