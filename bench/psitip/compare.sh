#!/usr/bin/env bash
# itsa bound vs PSITIP on the same claims, side by side (docs/performance.md).
# Usage: bench/psitip/compare.sh [ITSA_BINARY] [PYTHON]
# Environment: PSITIP_KS=3,4,5 (default 3,4; K=5 takes PSITIP minutes per claim),
# SOLVER=clarabel|highs (itsa's LP backend; highs needs a binary built with --features highs).
# PYTHON needs `pip install --no-deps psitip && pip install numpy scipy ortools`
# (psitip's pycddlib dependency needs cddlib/GMP headers and is optional: not used here).
set -euo pipefail
cd "$(dirname "$0")/../.."
ITSA="${1:-target/debug/itsa}"
PY="${2:-python3}"
KS="${PSITIP_KS:-3,4}"
SOLVER="${SOLVER:-clarabel}"
claims=()
for k in ${KS//,/ }; do
  zs=$(seq -s, -f 'Z[%g]' 1 "$k")
  claims+=(
    "summation K=$k: H(X1) >= 1|summation --users $k --minimize X[1] --claim 1"
    "summation K=$k: H(Z1) >= 1|summation --users $k --minimize Z[1] --claim 1"
    "summation K=$k: H(Z1..ZK) >= K-1|summation --users $k --minimize $zs --claim $((k - 1))"
    "summation K=$k: H(Z1..ZK) >= K (false)|summation --users $k --minimize $zs --claim $k"
  )
done
claims+=(
  "dropout K=3 U=2 T=0: 2 R2 >= 1 (restricted)|dropout --users 3 --min-survivors 2 --colluders 0 --minimize Y[1]{1,2}+Y[2]{1,2} --claim 1 --restrict W[1],W[2],W[3],X[1],X[2],X[3],Y[1]{1,2},Y[2]{1,2},S{1,2},S{1,3}"
)
declare -A itsa_t itsa_v
for c in "${claims[@]}"; do
  name="${c%%|*}"; args="${c#*|}"
  start=$(date +%s.%N)
  # shellcheck disable=SC2086  # the arguments are word-split on purpose (no globbing names)
  if (set -f; "$ITSA" bound $args --solver "$SOLVER" > /dev/null); then v=proved; else v="not proved"; fi
  end=$(date +%s.%N)
  itsa_t[$name]=$(echo "$end - $start" | bc)
  itsa_v[$name]=$v
done
echo -e "claim\titsa\titsa s\tpsitip\tpsitip s\tratio psitip/itsa"
PSITIP_KS="$KS" "$PY" bench/psitip/claims.py | while IFS=$'\t' read -r name verdict secs; do
  s="${secs%s}"
  printf "%s\t%s\t%.3f\t%s\t%.3f\t%.1f\n" "$name" "${itsa_v[$name]}" "${itsa_t[$name]}" "$verdict" "$s" "$(echo "$s / ${itsa_t[$name]}" | bc -l)"
done
