"""The five new models: conditions, claimed regions, constructions, mutations.

Each `build_*` returns a Model: the scheme (sources, variables), the list of checks (every
correctness and security condition of the model as a rank identity), the achieved rates
(exact, from ranks) and the claimed optimal rates. Conditions and constructions are described
in docs/new-models-research.md; where they are derived rather than read in the paper, that
document says so.
"""

from __future__ import annotations

import random
from fractions import Fraction
from math import comb

from linear import Check, Scheme, rand_matrix, setname, subsets


class Model:
    def __init__(self, scheme, checks, rates, claimed, notes=""):
        self.scheme, self.checks, self.rates, self.claimed, self.notes = (
            scheme,
            checks,
            rates,
            claimed,
            notes,
        )


def F(a, b=1) -> Fraction:
    return Fraction(a, b)


# ---------------------------------------------------------------------------------------
# 1. Decentralized secure aggregation (Zhang, Li, Li, Wan, Ng, Caire)
# ---------------------------------------------------------------------------------------
def dsa_conditions(s: Scheme, K: int, T: int):
    W = [f"W[{k}]" for k in range(1, K + 1)]
    X = [f"X[{k}]" for k in range(1, K + 1)]
    Z = [f"Z[{k}]" for k in range(1, K + 1)]
    SW = s.vec_sum(s.vars[w] for w in W)
    checks = [
        Check("locality", f"X[{k}]", lambda k=k: s.zero_given([X[k - 1]], [W[k - 1], Z[k - 1]])) for k in range(1, K + 1)
    ]
    for u in range(1, K + 1):
        others = [k for k in range(1, K + 1) if k != u]
        Xo = [X[k - 1] for k in others]
        checks.append(
            Check(
                "correctness",
                f"user {u}",
                lambda Xo=Xo, u=u: s.zero_given([SW], Xo + [W[u - 1], Z[u - 1]]),
            )
        )
        for col in subsets(others, 0, T):
            known = [SW, W[u - 1], Z[u - 1]] + [W[t - 1] for t in col] + [Z[t - 1] for t in col]
            checks.append(
                Check(
                    "security",
                    f"user {u}, colluders {setname(col)}",
                    lambda Xo=Xo, known=known: s.indep_given(W, Xo, known),
                witness=lambda Xo=Xo, known=known: s.leak(W, Xo, known),
                )
            )
    return checks


def build_dsa(K: int, T: int, p: int = 7, mutate: str | None = None, keyless=False) -> Model:
    """Zero-sum keys: S[1..K-1] i.i.d., Z[k] = S[k] (k < K), Z[K] = -sum S; X[k] = W[k] + Z[k].

    mutate="drop-key": S[K-1] is removed (one source key symbol fewer)."""
    s = Scheme(p, f"decentralized K={K} T={T}")
    for k in range(1, K + 1):
        s.source(f"W[{k}]", 1, "input")
    if keyless:
        for k in range(1, K + 1):
            s.define(f"Z[{k}]", [])
            s.define(f"X[{k}]", s.vars[f"W[{k}]"])
    else:
        nkeys = K - 1 - (1 if mutate == "drop-key" else 0)
        S = [s.source(f"S[{j}]", 1, "key")[0] for j in range(1, nkeys + 1)]
        Zrows = [S[k] if k < nkeys else {} for k in range(K - 1)]
        Zrows.append(s.comb((-1, r) for r in S))
        for k in range(1, K + 1):
            s.define(f"Z[{k}]", [Zrows[k - 1]] if Zrows[k - 1] else [])
            s.define(f"X[{k}]", s.vec_sum([s.vars[f"W[{k}]"], [Zrows[k - 1]]]))
    checks = dsa_conditions(s, K, T)
    allZ = [f"Z[{k}]" for k in range(1, K + 1)]
    rates = {
        "R_X": F(max(s.H([f"X[{k}]"]) for k in range(1, K + 1))),
        "R_Z": F(max(s.H([z]) for z in allZ)),
        "R_ZΣ": F(s.H(allZ)),
    }
    claimed = {"R_X": F(1), "R_Z": F(1), "R_ZΣ": F(K - 1)}
    return Model(s, checks, rates, claimed)


# ---------------------------------------------------------------------------------------
# 2. Decentralized with symmetric groupwise keys (Li, Zhang, Zhao, Chen, Fan, Caire)
# ---------------------------------------------------------------------------------------
def groupwise_rate(K: int, T: int, G: int) -> Fraction:
    N = K - T - 1
    return F(N - 1, comb(N, G))


def zero_sum_masks(s: Scheme, rng, members, key_rows, L: int):
    """For one group key (rows key_rows, length LG) return {member: L x LG matrix} summing to 0."""
    LG = len(key_rows)
    mats = {}
    acc = [[0] * LG for _ in range(L)]
    for m in members[:-1]:
        A = rand_matrix(rng, s.p, L, LG)
        mats[m] = A
        for i in range(L):
            for j in range(LG):
                acc[i][j] = (acc[i][j] + A[i][j]) % s.p
    mats[members[-1]] = [[(-v) % s.p for v in row] for row in acc]
    return mats


def build_groupwise(
    K: int, T: int, G: int, p: int = 10007, seed: int = 1, mutate: str | None = None, keyless=False, L_LG=None
) -> Model:
    """X[k] = W[k] + sum_{S ∋ k} A[k,S] Z{S}, A random over F_p with sum_{k∈S} A[k,S] = 0.

    L/LG = the reduced fraction of (K-T-2)/C(K-T-1,G).
    mutate="all-keys-minus-one": every group key has LG-1 symbols (same A, last column cut);
    mutate="one-key-minus-one": only the first group key loses its last symbol."""
    rng = random.Random(seed)
    users = list(range(1, K + 1))
    groups = list(subsets(users, G, G))
    if keyless:
        L, LG = 1, 0
    elif L_LG:
        L, LG = L_LG
    else:
        r = groupwise_rate(K, T, G)
        L, LG = r.denominator, r.numerator
    s = Scheme(p, f"groupwise K={K} T={T} G={G}")
    for k in users:
        s.source(f"W[{k}]", L, "input")
    keyrows = {}
    for S in groups:
        lg = LG
        if mutate == "all-keys-minus-one" or (mutate == "one-key-minus-one" and S == groups[0]):
            lg = LG - 1
        keyrows[S] = s.source(f"Z{setname(S)}", lg, "key") if lg > 0 else []
    masks = {}
    for S in groups:
        # draw the full LG-column matrices, then cut to the (possibly mutated) key length
        full = zero_sum_masks(s, rng, list(S), [None] * LG, L) if LG > 0 else {}
        masks[S] = full
    for k in users:
        terms = [s.vars[f"W[{k}]"]]
        for S in groups:
            if k in S and keyrows[S]:
                A = [row[: len(keyrows[S])] for row in masks[S][k]]
                terms.append(s.matvec(A, keyrows[S]))
        s.define(f"X[{k}]", s.vec_sum(terms))
        s.define(f"R[{k}]", [r for S in groups if k in S for r in keyrows[S]])
    W = [f"W[{k}]" for k in users]
    X = {k: f"X[{k}]" for k in users}
    checks = [Check("locality", X[k], lambda k=k: s.zero_given([X[k]], [f"W[{k}]", f"R[{k}]"])) for k in users]
    for u in users:
        others = [k for k in users if k != u]
        Xo = [X[k] for k in others]
        Wo = [f"W[{k}]" for k in others]
        SWo = s.vec_sum(s.vars[w] for w in Wo)
        checks.append(
            Check(
                "correctness",
                f"user {u}",
                lambda Xo=Xo, u=u, SWo=SWo: s.zero_given([SWo], Xo + [f"W[{u}]", f"R[{u}]"]),
            )
        )
        for col in subsets(others, 0, T):
            known = [SWo, f"W[{u}]", f"R[{u}]"] + [f"W[{t}]" for t in col] + [f"R[{t}]" for t in col]
            checks.append(
                Check(
                    "security",
                    f"user {u}, colluders {setname(col)}",
                    lambda Xo=Xo, known=known, Wo=Wo: s.indep_given(Wo, Xo, known),
                witness=lambda Xo=Xo, known=known, Wo=Wo: s.leak(Wo, Xo, known),
                )
            )
    lens = [len(keyrows[S]) for S in groups]
    rates = {
        "R_X": F(max(s.H([X[k]]) for k in users), L),
        "R_G": F(max(s.H([keyrows[S]]) for S in groups) if lens and max(lens) else 0, L),
    }
    claimed = {"R_X": F(1), "R_G": groupwise_rate(K, T, G) if K - T - 1 >= 2 else F(0)}
    return Model(s, checks, rates, claimed)


# ---------------------------------------------------------------------------------------
# 3. Hierarchical secure aggregation with groupwise keys (Lu, Li, Chen, Xie)
# ---------------------------------------------------------------------------------------
def hier_rates(U: int, V: int, G: int):
    n = U * V
    relay = F(V, comb(n, G) - comb((U - 1) * V, G))
    server_den = comb(n, G) - U * comb(V, G)
    server = F(U - 1, server_den) if server_den > 0 else None
    return relay, server


def build_hier(U: int, V: int, G: int, p: int = 10007, seed: int = 1, mutate: str | None = None) -> Model:
    """Users numbered 1..UV, user (u,v) = (u-1)V+v. X[u,v] = W[u,v] + sum_{S∋(u,v)} A Z{S} (zero-sum
    per S, random over F_p); Y[u] = sum_v X[u,v]. L/LG = reduced fraction of the claimed R_G.

    mutate="all-keys-minus-one" | "inter-key-minus-one" (the first key meeting >= 2 clusters)."""
    rng = random.Random(seed)
    n = U * V
    users = list(range(1, n + 1))
    cluster = {x: (x - 1) // V + 1 for x in users}
    groups = list(subsets(users, G, G))
    relay, server = hier_rates(U, V, G)
    R = max(relay, server) if server is not None else relay
    L, LG = R.denominator, R.numerator
    s = Scheme(p, f"hierarchical-groupwise U={U} V={V} G={G}")

    def uv(x):
        return f"{cluster[x]},{(x - 1) % V + 1}"

    for x in users:
        s.source(f"W[{uv(x)}]", L, "input")
    inter = [S for S in groups if len({cluster[x] for x in S}) >= 2]
    keyrows = {}
    for S in groups:
        lg = LG
        if mutate == "all-keys-minus-one" or (mutate == "inter-key-minus-one" and inter and S == inter[0]):
            lg = LG - 1
        keyrows[S] = s.source(f"Z{setname(S)}", lg, "key") if lg > 0 else []
    masks = {S: zero_sum_masks(s, rng, list(S), [None] * LG, L) for S in groups}
    for x in users:
        terms = [s.vars[f"W[{uv(x)}]"]]
        for S in groups:
            if x in S and keyrows[S]:
                A = [row[: len(keyrows[S])] for row in masks[S][x]]
                terms.append(s.matvec(A, keyrows[S]))
        s.define(f"X[{uv(x)}]", s.vec_sum(terms))
        s.define(f"R[{uv(x)}]", [r for S in groups if x in S for r in keyrows[S]])
    for u in range(1, U + 1):
        s.define(f"Y[{u}]", s.vec_sum(s.vars[f"X[{uv(x)}]"] for x in users if cluster[x] == u))
    W = [f"W[{uv(x)}]" for x in users]
    SW = s.vec_sum(s.vars[w] for w in W)
    Y = [f"Y[{u}]" for u in range(1, U + 1)]
    checks = [Check("locality", f"X[{uv(x)}]", lambda x=x: s.zero_given([f"X[{uv(x)}]"], [f"W[{uv(x)}]", f"R[{uv(x)}]"])) for x in users]
    for u in range(1, U + 1):
        Xu = [f"X[{uv(x)}]" for x in users if cluster[x] == u]
        checks.append(Check("locality", f"Y[{u}]", lambda u=u, Xu=Xu: s.zero_given([f"Y[{u}]"], Xu)))
    checks.append(Check("correctness", "server", lambda: s.zero_given([SW], Y)))
    for u in range(1, U + 1):
        Xu = [f"X[{uv(x)}]" for x in users if cluster[x] == u]
        checks.append(Check("relay-security", f"relay {u}", lambda Xu=Xu: s.indep_given(W, Xu, []), lambda Xu=Xu: s.leak(W, Xu, [])))
    checks.append(Check("server-security", "server", lambda: s.indep_given(W, Y, [SW]), lambda: s.leak(W, Y, [SW])))
    rates = {
        "R_X": F(max(s.H([f"X[{uv(x)}]"]) for x in users), L),
        "R_Y": F(max(s.H([y]) for y in Y), L),
        "R_G": F(max(len(keyrows[S]) for S in groups), L),
    }
    claimed = {"R_X": F(1), "R_Y": F(1), "R_G": R}
    m = Model(s, checks, rates, claimed)
    m.binding = ("relay" if relay >= (server or 0) else "server") + (
        "+server" if server is not None and relay == server else ""
    )
    return m


# ---------------------------------------------------------------------------------------
# 4. Topological secure aggregation on d-regular graphs (Zhang, Li, Yu, Wan, Sun, Ji, Caire)
# ---------------------------------------------------------------------------------------
def ring(n):
    return [(i, i % n + 1) for i in range(1, n + 1)]


def prism(m):
    e = [(i, i % m + 1) for i in range(1, m + 1)]
    e += [(m + i, m + i % m + 1) for i in range(1, m + 1)]
    e += [(i, m + i) for i in range(1, m + 1)]
    return e


def complete(n):
    return [(i, j) for i in range(1, n + 1) for j in range(i + 1, n + 1)]


def neighbours(edges):
    nb = {}
    for a, b in edges:
        nb.setdefault(a, set()).add(b)
        nb.setdefault(b, set()).add(a)
    return {k: sorted(v) for k, v in nb.items()}


def kernel(p, M):
    """Basis of the right kernel of M (list of rows) over F_p, as column vectors (lists)."""
    n = len(M[0])
    A = [row[:] for row in M]
    piv_cols = []
    r = 0
    for c in range(n):
        pr = next((i for i in range(r, len(A)) if A[i][c] % p), None)
        if pr is None:
            continue
        A[r], A[pr] = A[pr], A[r]
        inv = pow(A[r][c], p - 2, p)
        A[r] = [(v * inv) % p for v in A[r]]
        for i in range(len(A)):
            if i != r and A[i][c] % p:
                f = A[i][c]
                A[i] = [(a - f * b) % p for a, b in zip(A[i], A[r])]
        piv_cols.append(c)
        r += 1
    free = [c for c in range(n) if c not in piv_cols]
    basis = []
    for f in free:
        v = [0] * n
        v[f] = 1
        for i, c in enumerate(piv_cols):
            v[c] = (-A[i][f]) % p
        basis.append(v)
    return basis


def local_ok(p, nb, Nmat, d):
    """Derived sufficient and necessary condition of this key design: for every node k,
    rows {n_k} ∪ {n_j : j ∈ N(k)} span F_p^d and n_k ≠ 0."""
    for k, js in nb.items():
        if not any(Nmat[k - 1]):
            return False
        if not any(v % p for v in Nmat[k - 1]):
            return False
        rows = [dict(enumerate(Nmat[j - 1])) for j in [k] + js]
        from linear import rank_of

        if rank_of(p, rows) != d:
            return False
    return True


def tsa_design(edges, p, lambdas_candidates, seed=1):
    """Search a diagonal modulation Λ (from the candidates) with dim ker(A - Λ) >= d and a d-dim
    subspace of the kernel meeting the local condition. Returns (Λ, Nmat K x d) or None."""
    nb = neighbours(edges)
    K = len(nb)
    d = len(nb[1])
    rng = random.Random(seed)
    for lam in lambdas_candidates:
        M = [[0] * K for _ in range(K)]
        for k, js in nb.items():
            for j in js:
                M[k - 1][j - 1] = 1
            M[k - 1][k - 1] = (-lam[k - 1]) % p
        B = kernel(p, M)
        if len(B) < d:
            continue
        for _ in range(20):
            C = rand_matrix(rng, p, len(B), d) if len(B) > d else [[int(i == j) for j in range(d)] for i in range(d)]
            Nmat = [[sum(B[i][k] * C[i][j] for i in range(len(B))) % p for j in range(d)] for k in range(K)]
            if local_ok(p, nb, Nmat, d):
                return lam, Nmat
            if len(B) == d:
                break
    return None


def build_tsa(edges, p, lam, Nmat, mutate: str | None = None) -> Model:
    """Z[k] = n_k · S (S = d i.i.d. symbols), X[k] = W[k] + Z[k]; user k decodes
    sum_{j∈N(k)} X[j] - λ_k Z[k]. mutate="drop-key": the last column of N is removed."""
    nb = neighbours(edges)
    K = len(nb)
    d = len(nb[1])
    s = Scheme(p, f"topological K={K} d={d}")
    for k in range(1, K + 1):
        s.source(f"W[{k}]", 1, "input")
    dd = d - 1 if mutate == "drop-key" else d
    S = [s.source(f"S[{j}]", 1, "key")[0] for j in range(1, dd + 1)]
    for k in range(1, K + 1):
        z = s.comb((Nmat[k - 1][j], S[j]) for j in range(dd))
        s.define(f"Z[{k}]", [z] if z else [])
        s.define(f"X[{k}]", s.vec_sum([s.vars[f"W[{k}]"], [z]]))
    checks = [Check("locality", f"X[{k}]", lambda k=k: s.zero_given([f"X[{k}]"], [f"W[{k}]", f"Z[{k}]"])) for k in range(1, K + 1)]
    Wall = [f"W[{k}]" for k in range(1, K + 1)]
    for k in range(1, K + 1):
        Xn = [f"X[{j}]" for j in nb[k]]
        SWn = s.vec_sum(s.vars[f"W[{j}]"] for j in nb[k])
        Wo = [w for w in Wall if w != f"W[{k}]"]
        checks.append(
            Check("correctness", f"user {k}", lambda Xn=Xn, SWn=SWn, k=k: s.zero_given([SWn], Xn + [f"W[{k}]", f"Z[{k}]"]))
        )
        checks.append(
            Check(
                "security",
                f"user {k} (neighbours {setname(nb[k])})",
                lambda Xn=Xn, SWn=SWn, k=k, Wo=Wo: s.indep_given(Wo, Xn, [SWn, f"W[{k}]", f"Z[{k}]"]),
            witness=lambda Xn=Xn, SWn=SWn, k=k, Wo=Wo: s.leak(Wo, Xn, [SWn, f"W[{k}]", f"Z[{k}]"]),
            )
        )
    allZ = [f"Z[{k}]" for k in range(1, K + 1)]
    rates = {
        "R_X": F(max(s.H([f"X[{k}]"]) for k in range(1, K + 1))),
        "R_Z": F(max(s.H([z]) for z in allZ)),
        "R_ZΣ": F(s.H(allZ)),
    }
    claimed = {"R_X": F(1), "R_Z": F(1), "R_ZΣ": F(d)}
    return Model(s, checks, rates, claimed)


# ---------------------------------------------------------------------------------------
# 5. Secure aggregation with an oblivious server (Sun)
# ---------------------------------------------------------------------------------------
def build_oblivious(K: int, p: int = 7, dropouts=False, min_survivors=1, mutate: str | None = None) -> Model:
    """No dropouts: N[1..K] i.i.d.; Z[k] = (N[k], ΣN); X[k] = W[k] + N[k]; Y[k] = ΣX.
    Dropouts (derived model): Z[k] = (N[1..K]); for every survivor set U1 (|U1| >= min_survivors)
    and k ∈ U1 the server sends Y[k]{U1} = Σ_{U1} X.

    mutate="individual-minus-one": no dropouts: Z[k] = N[k] only; dropouts: Z[1] lacks N[K].
    mutate="total-minus-one": N[K] is removed (X[K] = W[K])."""
    s = Scheme(p, f"oblivious K={K}" + (" dropouts" if dropouts else ""))
    users = list(range(1, K + 1))
    for k in users:
        s.source(f"W[{k}]", 1, "input")
    nN = K - 1 if mutate == "total-minus-one" else K
    N = {k: s.source(f"N[{k}]", 1, "key")[0] for k in range(1, nN + 1)}
    for k in users:
        nk = N.get(k, {})
        s.define(f"X[{k}]", s.vec_sum([s.vars[f"W[{k}]"], [nk]]))
    SN = s.comb((1, r) for r in N.values())
    for k in users:
        if not dropouts:
            z = [N[k]] if k in N else []
            if mutate != "individual-minus-one":
                z = z + [SN]
        else:
            z = [N[j] for j in N if not (mutate == "individual-minus-one" and k == 1 and j == K)]
        s.define(f"Z[{k}]", z)
    Wall = [f"W[{k}]" for k in users]
    Xall = [f"X[{k}]" for k in users]
    checks = [Check("locality", f"X[{k}]", lambda k=k: s.zero_given([f"X[{k}]"], [f"W[{k}]", f"Z[{k}]"])) for k in users]
    checks.append(Check("server-security", "server", lambda: s.indep_given(Wall, Xall, []), lambda: s.leak(Wall, Xall, [])))
    sets = [tuple(users)] if not dropouts else list(subsets(users, min_survivors, K))
    for U1 in sets:
        SW = s.vec_sum(s.vars[f"W[{k}]"] for k in U1)
        SX = s.vec_sum(s.vars[f"X[{k}]"] for k in U1)
        for k in U1:
            yname = f"Y[{k}]" if not dropouts else f"Y[{k}]{setname(U1)}"
            s.define(yname, SX)
            checks.append(Check("locality", yname, lambda yname=yname: s.zero_given([yname], Xall)))
            tag = f"user {k}" + (f", survivors {setname(U1)}" if dropouts else "")
            checks.append(
                Check("correctness", tag, lambda yname=yname, k=k, SW=SW: s.zero_given([SW], [yname, f"W[{k}]", f"Z[{k}]"]))
            )
            checks.append(
                Check(
                    "user-security",
                    tag,
                    lambda yname=yname, k=k, SW=SW: s.indep_given(Wall, [yname], [SW, f"W[{k}]", f"Z[{k}]"]),
                witness=lambda yname=yname, k=k, SW=SW: s.leak(Wall, [yname], [SW, f"W[{k}]", f"Z[{k}]"]),
                )
            )
    allZ = [f"Z[{k}]" for k in users]
    ys = [v for v in s.vars if v.startswith("Y[")]
    rates = {
        "R_X": F(max(s.H([x]) for x in Xall)),
        "R_Y": F(max(s.H([y]) for y in ys)),
        "R_Z": F(max(s.H([z]) for z in allZ)),
        "R_ZΣ": F(s.H(allZ)),
    }
    claimed = {"R_X": F(1), "R_Y": F(1), "R_Z": F(K if dropouts else 2), "R_ZΣ": F(K)}
    return Model(s, checks, rates, claimed)


# ---------------------------------------------------------------------------------------
# 4b. A topological design over F_{p^2}, run as a vector-linear scheme over F_p with L = 2
# ---------------------------------------------------------------------------------------
def ext_mat(c, p, nu):
    """The F_p-matrix of multiplication by c = c0 + c1·x in F_p[x]/(x² − nu), basis (1, x)."""
    c0, c1 = c
    return [[c0 % p, (nu * c1) % p], [c1 % p, c0 % p]]


def ext_mul(a, b, p, nu):
    return ((a[0] * b[0] + nu * a[1] * b[1]) % p, (a[0] * b[1] + a[1] * b[0]) % p)


def prism3_ext_design(p=7, nu=5):
    """Triangular prism over F_49 = F_7[x]/(x² − 5): layer-constant Λ = (α, β) with
    2 − α, 2 − β the roots of t² − 3t + 1 (they need √5 = x), kernel basis from the cycle
    eigenvectors ω^{ji} (ω = 2 has order 3 in F_7). Returns (Λ, N) with entries in F_49."""
    inv2 = pow(2, p - 2, p)
    a = ((3 * inv2) % p, inv2 % p)  # (3 + x)/2
    b = ((3 * inv2) % p, (-inv2) % p)  # (3 − x)/2
    alpha = ((2 - a[0]) % p, (-a[1]) % p)
    beta = ((2 - b[0]) % p, (-b[1]) % p)
    omega = next(w for w in range(2, p) if pow(w, 3, p) == 1)
    thetas = [2, (omega + pow(omega, p - 2, p)) % p, (omega + pow(omega, p - 2, p)) % p]
    N = []
    for layer in (0, 1):
        for i in range(3):
            row = []
            for j in range(3):
                w = (pow(omega, j * i, p), 0)
                if layer == 1:
                    w = ext_mul(w, ((alpha[0] - thetas[j]) % p, alpha[1]), p, nu)
                row.append(w)
            N.append(row)
    lam = [alpha] * 3 + [beta] * 3
    return lam, N


def build_tsa_ext(edges, p, nu, lam, Nmat, mutate=None) -> Model:
    """F_{p²} design as an F_p scheme with L = 2: S[j] ∈ F_p² (2 symbols), Z[k] = Σ_j M(N[k][j]) S[j],
    X[k] = W[k] + Z[k]; user k decodes Σ_{N(k)} X[j] − M(λ_k) Z[k]."""
    nb = neighbours(edges)
    K = len(nb)
    d = len(nb[1])
    s = Scheme(p, f"topological over F_{p}^2 K={K} d={d}")
    for k in range(1, K + 1):
        s.source(f"W[{k}]", 2, "input")
    dd = d - 1 if mutate == "drop-key" else d
    S = [s.source(f"S[{j}]", 2, "key") for j in range(1, dd + 1)]
    for k in range(1, K + 1):
        z = s.vec_sum([s.matvec(ext_mat(Nmat[k - 1][j], p, nu), S[j]) for j in range(dd)])
        s.define(f"Z[{k}]", z)
        s.define(f"X[{k}]", s.vec_sum([s.vars[f"W[{k}]"], z]))
    checks = [Check("locality", f"X[{k}]", lambda k=k: s.zero_given([f"X[{k}]"], [f"W[{k}]", f"Z[{k}]"])) for k in range(1, K + 1)]
    Wall = [f"W[{k}]" for k in range(1, K + 1)]
    for k in range(1, K + 1):
        Xn = [f"X[{j}]" for j in nb[k]]
        SWn = s.vec_sum(s.vars[f"W[{j}]"] for j in nb[k])
        Wo = [w for w in Wall if w != f"W[{k}]"]
        checks.append(Check("correctness", f"user {k}", lambda Xn=Xn, SWn=SWn, k=k: s.zero_given([SWn], Xn + [f"W[{k}]", f"Z[{k}]"])))
        checks.append(
            Check(
                "security",
                f"user {k} (neighbours {setname(nb[k])})",
                lambda Xn=Xn, SWn=SWn, k=k, Wo=Wo: s.indep_given(Wo, Xn, [SWn, f"W[{k}]", f"Z[{k}]"]),
                lambda Xn=Xn, SWn=SWn, k=k, Wo=Wo: s.leak(Wo, Xn, [SWn, f"W[{k}]", f"Z[{k}]"]),
            )
        )
    allZ = [f"Z[{k}]" for k in range(1, K + 1)]
    rates = {
        "R_X": F(max(s.H([f"X[{k}]"]) for k in range(1, K + 1)), 2),
        "R_Z": F(max(s.H([z]) for z in allZ), 2),
        "R_ZΣ": F(s.H(allZ), 2),
    }
    return Model(s, checks, rates, {"R_X": F(1), "R_Z": F(1), "R_ZΣ": F(d)})
