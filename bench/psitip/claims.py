#!/usr/bin/env python3
"""PSITIP on the same claims as `itsa bound` (see docs/performance.md for commands).

Each claim is the same entropy problem itsa builds (models.md; src/bound/models.rs):
variables, independence, functional dependencies, the sum's properties, correctness,
security. PSITIP checks the implication `constraints >> (objective >= value)` with its
LP solver (ortools GLOP here). Prints one line per claim: name, verdict, seconds.
"""
import multiprocessing as mp
import os
import resource
import sys
import time

from psitip import H, I, PsiOpts, indep, rv

PsiOpts.setting(solver=sys.argv[1] if len(sys.argv) > 1 else "ortools.GLOP")


def joint(vs):
    out = vs[0]
    for v in vs[1:]:
        out = out + v
    return out


def sum_props(r, s, ws):
    """S = sum of ws: function of them, uniform, invertible in each input."""
    r &= H(s | joint(ws)) == 0
    r &= H(s) == 1
    for w in ws:
        others = [o for o in ws if o is not w]
        r &= H(w | joint([s] + others)) == 0
    return r


def summation(k):
    W = [rv(f"W{i}") for i in range(1, k + 1)]
    Z = [rv(f"Z{i}") for i in range(1, k + 1)]
    X = [rv(f"X{i}") for i in range(1, k + 1)]
    S = rv("S")
    r = indep(*W, joint(Z))
    for w in W:
        r &= H(w) == 1
    r = sum_props(r, S, W)
    for i in range(k):
        r &= H(X[i] | W[i] + Z[i]) == 0
    r &= H(S | joint(X)) == 0
    r &= I(joint(W) & joint(X) | S) == 0
    return r, W, Z, X


def dropout_r2():
    """Zhao-Sun K=3, U=2, T=0 restricted as in tests/bound.rs: R2 >= 1/2 (as H(Y1)+H(Y2) >= 1)."""
    W = [rv(f"W{i}") for i in (1, 2, 3)]
    X = [rv(f"X{i}") for i in (1, 2, 3)]
    Y1, Y2, S12, S13 = rv("Y1", "Y2", "S12", "S13")
    r = indep(*W)
    for w in W:
        r &= H(w) == 1
    r = sum_props(r, S12, W[:2])
    r = sum_props(r, S13, [W[0], W[2]])
    r &= H(S12 | X[0] + X[1] + Y1 + Y2) == 0
    r &= I(joint(W) & joint(X) + Y1 + Y2 | S12) == 0
    r &= I(joint(W) & joint(X) | S13) == 0
    return r, H(Y1) + H(Y2) >= 1


def claims(k):
    r, W, Z, X = summation(k)
    yield f"summation K={k}: H(X1) >= 1", r, H(X[0]) >= 1
    yield f"summation K={k}: H(Z1) >= 1", r, H(Z[0]) >= 1
    yield f"summation K={k}: H(Z1..ZK) >= K-1", r, H(joint(Z)) >= k - 1
    yield f"summation K={k}: H(Z1..ZK) >= K (false)", r, H(joint(Z)) >= k


def todo(ks):
    for k in ks:
        yield from claims(k)
    r, goal = dropout_r2()
    yield "dropout K=3 U=2 T=0: 2 R2 >= 1 (restricted)", r, goal


def check(ks, index, out):
    """Child process: check claim number `index`, send (verdict, CPU seconds)."""
    name, r, goal = list(todo(ks))[index]
    t = time.process_time()
    ok = bool(r >> goal)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.send(("proved" if ok else "not proved", time.process_time() - t, rss_mb))


def main():
    # PSITIP_KS=3,4,5 for the larger table (K=5: minutes per claim). PSITIP_TIMEOUT: wall
    # seconds per claim (default 1200); a claim past it is reported as "timeout".
    ks = [int(k) for k in os.environ.get("PSITIP_KS", "3,4").split(",")]
    limit = float(os.environ.get("PSITIP_TIMEOUT", "1200"))
    names = [name for name, _, _ in todo(ks)]
    ctx = mp.get_context("fork")
    for index, name in enumerate(names):
        recv, send = ctx.Pipe(duplex=False)
        t = time.perf_counter()
        child = ctx.Process(target=check, args=(ks, index, send))
        child.start()
        if recv.poll(limit):
            verdict, cpu, rss = recv.recv()
        else:
            verdict, cpu, rss = "timeout", float("nan"), float("nan")
            child.kill()
        child.join()
        wall = time.perf_counter() - t
        # name, verdict, wall seconds, CPU seconds of the check alone, peak RSS (MB)
        print(f"{name}\t{verdict}\t{wall:.3f}s\t{cpu:.3f}s\t{rss:.0f}", flush=True)


if __name__ == "__main__":
    main()
