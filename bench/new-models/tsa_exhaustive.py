#!/usr/bin/env python3
"""Exhaustive search over ALL diagonal modulations Λ ∈ F_p^K for a scalar-key (L = 1) TSA design
with total key d: dim ker(A − Λ) ≥ d and a d-dim subspace meeting the local condition.

For L = 1 every linear scheme reduces to this form (docs/new-models-research.md §4.5), so "none"
means: no linear scheme with L = 1 over F_p reaches R_ZΣ = d on this graph.

    python3 bench/new-models/tsa_exhaustive.py ring 5 7
    python3 bench/new-models/tsa_exhaustive.py prism 3 7
"""

import itertools
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models as M  # noqa: E402
from linear import rank_of  # noqa: E402


def search(edges, p):
    nb = M.neighbours(edges)
    K = len(nb)
    d = len(nb[1])
    found = []
    for lam in itertools.product(range(p), repeat=K):
        Mx = [[0] * K for _ in range(K)]
        for k, js in nb.items():
            for j in js:
                Mx[k - 1][j - 1] = 1
            Mx[k - 1][k - 1] = (-lam[k - 1]) % p
        B = M.kernel(p, Mx)
        if len(B) < d:
            continue
        if len(B) == d:
            Nmat = [[B[i][k] for i in range(d)] for k in range(K)]
            if M.local_ok(p, nb, Nmat, d):
                found.append(lam)
        else:
            # try every d-subset of kernel-basis combinations with small coefficients
            r = len(B)
            ok = False
            for C in itertools.product(range(p), repeat=r * d):
                Cm = [C[i * d:(i + 1) * d] for i in range(r)]
                Nmat = [[sum(B[i][k] * Cm[i][j] for i in range(r)) % p for j in range(d)] for k in range(K)]
                if M.local_ok(p, nb, Nmat, d):
                    ok = True
                    break
            if ok:
                found.append(lam)
    return found


if __name__ == "__main__":
    kind, n, p = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    edges = {"ring": M.ring, "prism": M.prism, "complete": M.complete}[kind](n)
    f = search(edges, p)
    print(f"{kind} {n} over F_{p}: {len(f)} modulations Λ admit a total-key-d design" + (f"; first {f[0]}" if f else ""))
    sys.exit(0)
