#!/usr/bin/env python3
"""Write a spec of the Zhao–Sun general construction (models.md §2.5.3) for any K, U, T.

Benchmark input generator (and an independent, Python-side transcription of the construction):
    python3 benches/gen_dropout_spec.py K U T [p] > /tmp/dropout.toml
Keys Z_k (U−T symbols), one noise vector N_{U1} (T symbols) per first-round set U1, user k's share
of U1 = row x_k = k of the Cauchy matrix 1/(x_k − y_j), y_j = K + j, applied to [Σ_{U1} Z; N_{U1}].
"""
import itertools
import sys


def is_prime(n):
    return n >= 2 and all(n % d for d in range(2, int(n**0.5) + 1))


def main():
    k, u, t = map(int, sys.argv[1:4])
    p = int(sys.argv[4]) if len(sys.argv) > 4 else next(q for q in range(k + u, 10 * (k + u)) if is_prime(q))
    assert u > t and is_prime(p) and p >= k + u
    l = u - t
    sets = [c for n in range(u, k + 1) for c in itertools.combinations(range(1, k + 1), n)]
    name = lambda s: "{" + ",".join(map(str, s)) + "}"
    out = [
        f'title = "Zhao–Sun general construction K={k} U={u} T={t} (generated)"',
        'model = "dropout"', f"prime = {p}", f"input-length = {l}", f'inputs = ["W[1..{k}]"]',
        "", "[params]", f"users = {k}", f"min-survivors = {u}", f"colluders = {t}",
        "", "[roles]", 'input = "W[k]"', 'round1 = "X[k]"', 'round2 = "Y[k]{U1}"', 'randomness = "R[k]"',
        "", "[randomness]", f'"Z[1..{k}]" = {l}',
    ]
    if t > 0:
        out += [f'"N{name(s)}" = {t}' for s in sets]
    out += ["", "[variables]"]
    held = {i: [f"Z[{i}]"] for i in range(1, k + 1)}
    for s in sets:
        out.append(f'"ZS{name(s)}" = "' + " + ".join(f"Z[{i}]" for i in s) + '"')
        for i in s:
            # c(i, j) = 1/(x_i - y_j) = -1/(K + j - i)
            terms = [f"- 1/{k + j - i} ZS{name(s)}({j})" for j in range(1, l + 1)]
            terms += [f"- 1/{k + l + j - i} N{name(s)}({j})" for j in range(1, t + 1)]
            out.append(f'"Y[{i}]{name(s)}" = "' + " ".join(terms) + '"')
            held[i].append(f"Y[{i}]{name(s)}")
    for i in range(1, k + 1):
        out.append(f'"R[{i}]" = [' + ", ".join(f'"{h}"' for h in held[i]) + "]")
        out.append(f'"X[{i}]" = "W[{i}] + Z[{i}]"')
    print("\n".join(out))


if __name__ == "__main__":
    main()
