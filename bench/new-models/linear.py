"""Exact linear-algebra core for the new-model checkers (pure Python, no numpy).

A scheme lives over F_p. Sources are independent uniform vectors (inputs and key symbols);
every variable is a list of rows, each row a sparse dict {column: coefficient} over the
source symbols. Every entropy is a rank (in units of log p):

    H(A | B) = 0          <=>  rank(A, B) == rank(B)
    I(A ; B | C) = 0      <=>  rank(A, C) + rank(B, C) == rank(A, B, C) + rank(C)

Written independently of itsa's Rust engine on purpose: it is a second opinion.
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction


class Echelon:
    """Incremental row echelon basis over F_p (pivot column -> normalized row)."""

    __slots__ = ("p", "rows")

    def __init__(self, p: int):
        self.p = p
        self.rows: dict[int, dict[int, int]] = {}

    def copy(self) -> "Echelon":
        e = Echelon(self.p)
        e.rows = dict(self.rows)  # rows are never mutated in place
        return e

    def insert(self, row: dict[int, int]) -> bool:
        p = self.p
        r = {c: v % p for c, v in row.items() if v % p}
        while r:
            c = min(r)
            piv = self.rows.get(c)
            if piv is None:
                inv = pow(r[c], p - 2, p)
                self.rows[c] = {k: (v * inv) % p for k, v in r.items()}
                return True
            f = r[c]
            for k, v in piv.items():
                nv = (r.get(k, 0) - f * v) % p
                if nv:
                    r[k] = nv
                else:
                    r.pop(k, None)
        return False

    def rank(self) -> int:
        return len(self.rows)


def rank_of(p: int, rows, base: Echelon | None = None) -> int:
    e = base.copy() if base is not None else Echelon(p)
    for r in rows:
        e.insert(r)
    return e.rank()


class Scheme:
    """Sources + variables over F_p."""

    def __init__(self, p: int, title: str = ""):
        self.p = p
        self.title = title
        self.sources: list[tuple[str, int, str]] = []  # (name, dim, kind)
        self.col: dict[tuple[str, int], int] = {}
        self.vars: dict[str, list[dict[int, int]]] = {}
        self.ncols = 0

    # -- sources -----------------------------------------------------------
    def source(self, name: str, dim: int, kind: str) -> list[dict[int, int]]:
        rows = []
        for i in range(dim):
            self.col[(name, i)] = self.ncols
            rows.append({self.ncols: 1})
            self.ncols += 1
        self.sources.append((name, dim, kind))
        self.vars[name] = rows
        return rows

    def kinds(self, kind: str) -> list[str]:
        return [n for n, _, k in self.sources if k == kind]

    # -- row algebra -------------------------------------------------------
    def comb(self, terms) -> dict[int, int]:
        """terms: iterable of (coef, row)."""
        out: dict[int, int] = {}
        p = self.p
        for c, row in terms:
            for k, v in row.items():
                nv = (out.get(k, 0) + c * v) % p
                if nv:
                    out[k] = nv
                else:
                    out.pop(k, None)
        return out

    def vec_sum(self, vecs, coefs=None) -> list[dict[int, int]]:
        """Symbol-wise linear combination of equally long variables."""
        vecs = list(vecs)
        coefs = coefs or [1] * len(vecs)
        n = len(vecs[0])
        assert all(len(v) == n for v in vecs)
        return [self.comb((c, v[i]) for c, v in zip(coefs, vecs)) for i in range(n)]

    def matvec(self, mat, vec) -> list[dict[int, int]]:
        """mat: list of rows (list of ints, len = len(vec)); vec: list of rows."""
        return [self.comb((mat[i][j], vec[j]) for j in range(len(vec))) for i in range(len(mat))]

    def define(self, name: str, rows):
        self.vars[name] = list(rows)
        return self.vars[name]

    # -- information quantities ---------------------------------------------
    def rows(self, names) -> list[dict[int, int]]:
        out = []
        for n in names:
            out.extend(self.vars[n] if isinstance(n, str) else n)
        return out

    def H(self, names) -> int:
        return rank_of(self.p, self.rows(names))

    def zero_given(self, a, b) -> bool:
        base = Echelon(self.p)
        for r in self.rows(b):
            base.insert(r)
        rb = base.rank()
        return rank_of(self.p, self.rows(a), base) == rb

    def indep_given(self, a, b, c) -> bool:
        base = Echelon(self.p)
        for r in self.rows(c):
            base.insert(r)
        rc = base.rank()
        ea = base.copy()
        for r in self.rows(a):
            ea.insert(r)
        rac = ea.rank()
        rbc = rank_of(self.p, self.rows(b), base)
        rabc = rank_of(self.p, self.rows(b), ea)
        return rac + rbc == rabc + rc

    def leak(self, a, b, c) -> str | None:
        """Witness of I(A; B | C) > 0 when A is a set of sources (unit rows): a combination of
        A's symbols that lies in span(B, C) but not in span(C), written as an expression.
        (dim span(B,C) ∩ span(A) − dim span(C) ∩ span(A) is exactly I(A; B | C).)"""
        target = sorted({k for r in self.rows(a) for k in r})
        tset = set(target)
        others = [k for k in range(self.ncols) if k not in tset]
        order = {k: i for i, k in enumerate(others + target)}
        back = {i: k for k, i in order.items()}
        first_t = len(others)

        def remap(rows):
            return [{order[k]: v for k, v in r.items()} for r in rows]

        ec = Echelon(self.p)
        for r in remap(self.rows(c)):
            ec.insert(r)
        known = Echelon(self.p)
        for piv, r in ec.rows.items():
            if piv >= first_t:
                known.insert(r)
        ebc = ec.copy()
        for r in remap(self.rows(b)):
            ebc.insert(r)
        for piv, r in sorted(ebc.rows.items()):
            if piv >= first_t and known.insert(r):
                return self.expr({back[k]: v for k, v in r.items()})
        return None

    # -- spec writer ----------------------------------------------------------
    def expr(self, row: dict[int, int]) -> str:
        """The row in itsa's spec expression syntax (coefficients signed, |c| <= p/2)."""
        if not row:
            return "0"
        inv = {}
        for (name, i), c in self.col.items():
            inv[c] = (name, i)
        dims = {n: d for n, d, _ in self.sources}
        parts = []
        for c in sorted(row):
            v = row[c] % self.p
            if v > self.p // 2:
                v -= self.p
            name, i = inv[c]
            factor = name if dims[name] == 1 else f"{name}({i + 1})"
            if v == 1:
                t = f"+ {factor}"
            elif v == -1:
                t = f"- {factor}"
            elif v > 0:
                t = f"+ {v} {factor}"
            else:
                t = f"- {-v} {factor}"
            parts.append(t)
        s = " ".join(parts)
        return s[2:] if s.startswith("+ ") else "-" + s[2:] if s.startswith("- ") else s

    def spec(self, header: dict, variables: list[str], comments: list[str] = ()) -> str:
        """A flat TOML spec: sources + the listed variables written over sources only."""
        out = [f"# {c}" for c in comments]
        for k, v in header.items():
            if isinstance(v, dict):
                continue
            out.append(f"{k} = {toml_val(v)}")
        inputs = [(n, d) for n, d, k in self.sources if k == "input"]
        out.append(f"input-length = {inputs[0][1]}")
        out.append("inputs = [" + ", ".join(f'"{n}"' for n, _ in inputs) + "]")
        for k, v in header.items():
            if isinstance(v, dict):
                out.append("")
                out.append(f"[{k}]")
                for kk, vv in v.items():
                    out.append(f"{toml_key(kk)} = {toml_val(vv)}")
        out.append("")
        out.append("[randomness]")
        for n, d, k in self.sources:
            if k != "input":
                out.append(f'"{n}" = {d}')
        out.append("")
        out.append("[variables]")
        for v in variables:
            rows = self.vars[v]
            if len(rows) == 1:
                out.append(f'"{v}" = "{self.expr(rows[0])}"')
            else:
                out.append(f'"{v}" = [' + ", ".join(f'"{self.expr(r)}"' for r in rows) + "]")
        return "\n".join(out) + "\n"


def toml_key(k: str) -> str:
    return k if k and all((ch.isascii() and ch.isalnum()) or ch in "-_" for ch in k) else f'"{k}"'


def toml_val(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_val(x)}" for k, x in v.items()) + " }"
    return '"' + str(v).replace('"', '\\"') + '"'


# -- checks -----------------------------------------------------------------------
class Check:
    __slots__ = ("family", "label", "fn", "witness")

    def __init__(self, family: str, label: str, fn, witness=None):
        self.family, self.label, self.fn, self.witness = family, label, fn, witness


def run_checks(checks: list[Check]):
    """Returns (per-family counts {family: [total, failed]}, list of failing labels)."""
    fam: dict[str, list[int]] = {}
    fails = []
    for ch in checks:
        ok = ch.fn()
        f = fam.setdefault(ch.family, [0, 0])
        f[0] += 1
        if not ok:
            f[1] += 1
            w = ch.witness() if ch.witness else None
            if w and len(w) > 140:
                w = w[:140] + " …"
            fails.append(f"{ch.family}: {ch.label}" + (f"; the view reveals {w}" if w else ""))
    return fam, fails


def subsets(items, lo: int, hi: int):
    items = list(items)
    for t in range(lo, min(hi, len(items)) + 1):
        yield from itertools.combinations(items, t)


def rand_matrix(rng: random.Random, p: int, rows: int, cols: int):
    return [[rng.randrange(p) for _ in range(cols)] for _ in range(rows)]


def reduced(fr: Fraction) -> tuple[int, int]:
    return fr.numerator, fr.denominator


def setname(s) -> str:
    return "{" + ",".join(str(x) for x in s) + "}"
