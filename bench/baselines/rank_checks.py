#!/usr/bin/env python3
"""Perform the checks of `itsa export SPEC --json` with python-flint or galois.

The same checks itsa performs, the way a researcher would script them: per check, stack the
block rows into matrices and call a rank routine --
  decodable: rk(view + target) == rk(view)                                   (2 ranks)
  secure:    rk(view + cond) - rk(cond) == rk_R(view + cond) - rk_R(cond)    (4 ranks)
  hidden:    rk(view + target) == rk(view) + rk(target)                       (3 ranks)
where rk_R is the rank of the rows restricted to the randomness columns 0..input_start.

Usage:
  itsa export SPEC --json > plan.json
  python rank_checks.py plan.json flint  [--sample N]
  python rank_checks.py plan.json galois [--sample N]
Prints the number of checks done, failures, total and per-check time (stacking the rows and
building the library's matrices included, as in a real script).
"""
import argparse
import json
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("plan")
    ap.add_argument("backend", choices=["flint", "galois"])
    ap.add_argument("--sample", type=int, default=None,
                    help="only N checks spread evenly over the list (every len/N-th)")
    a = ap.parse_args()
    plan = json.load(open(a.plan))
    p, split = plan["prime"], plan["input_start"]
    blocks = [np.array(b["rows"], dtype=np.int64).reshape(-1, plan["columns"]) for b in plan["blocks"]]
    checks = plan["checks"]
    if a.sample and a.sample < len(checks):
        checks = checks[:: len(checks) // a.sample][: a.sample]

    if a.backend == "flint":
        import flint

        def rank(m):
            if m.shape[0] == 0:
                return 0
            return flint.nmod_mat(m.shape[0], m.shape[1], m.ravel().tolist(), p).rank()
    else:
        import galois

        GF = galois.GF(p)
        GF(np.eye(2, dtype=np.int64)).row_reduce()  # JIT warm-up outside the timing

        def rank(m):
            if m.shape[0] == 0:
                return 0
            return int(np.linalg.matrix_rank(GF(m)))

    def stack(ids):
        return np.vstack([blocks[i] for i in ids]) if ids else np.zeros((0, plan["columns"]), np.int64)

    failures = 0
    start = time.perf_counter()
    for c in checks:
        v = stack(c["view"])
        if c["kind"] == "decodable":
            ok = rank(np.vstack([v, stack(c["target"])])) == rank(v)
        elif c["kind"] == "hidden":  # I(target; view) = 0
            t = stack(c["target"])
            ok = rank(np.vstack([v, t])) == rank(v) + rank(t)
        else:
            cond = stack(c["cond"])
            both = np.vstack([v, cond])
            ok = rank(both) - rank(cond) == rank(both[:, :split]) - rank(cond[:, :split])
        failures += not ok
    total = time.perf_counter() - start
    n = len(checks)
    print(json.dumps({
        "backend": a.backend,
        "checks": n,
        "of": len(plan["checks"]),
        "failures": failures,
        "seconds": round(total, 3),
        "us_per_check": round(1e6 * total / max(n, 1), 1),
    }))


if __name__ == "__main__":
    main()
