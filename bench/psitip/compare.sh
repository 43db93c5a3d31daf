#!/usr/bin/env bash
# itsa bound vs PSITIP on the same claims, side by side (docs/performance.md).
# Usage: bench/psitip/compare.sh [ITSA_BINARY] [PYTHON]
# PYTHON needs `pip install --no-deps psitip && pip install numpy scipy ortools`
# (psitip's pycddlib dependency needs cddlib/GMP headers and is optional: not used here).
set -euo pipefail
cd "$(dirname "$0")/../.."
ITSA="${1:-target/debug/itsa}"
PY="${2:-python3}"
claims=(
  "summation K=3: H(X1) >= 1|summation --users 3 --minimize X1 --claim 1"
  "summation K=3: H(Z1) >= 1|summation --users 3 --minimize Z1 --claim 1"
  "summation K=3: H(Z1..ZK) >= K-1|summation --users 3 --minimize Z1,Z2,Z3 --claim 2"
  "summation K=3: H(Z1..ZK) >= K (false)|summation --users 3 --minimize Z1,Z2,Z3 --claim 3"
  "summation K=4: H(X1) >= 1|summation --users 4 --minimize X1 --claim 1"
  "summation K=4: H(Z1) >= 1|summation --users 4 --minimize Z1 --claim 1"
  "summation K=4: H(Z1..ZK) >= K-1|summation --users 4 --minimize Z1,Z2,Z3,Z4 --claim 3"
  "summation K=4: H(Z1..ZK) >= K (false)|summation --users 4 --minimize Z1,Z2,Z3,Z4 --claim 4"
  "dropout K=3 U=2 T=0: 2 R2 >= 1 (restricted)|dropout --users 3 --min-survivors 2 --colluders 0 --minimize Y1@12+Y2@12 --claim 1 --restrict W1,W2,W3,X1,X2,X3,Y1@12,Y2@12,S12,S13"
)
declare -A itsa_t itsa_v
for c in "${claims[@]}"; do
  name="${c%%|*}"; args="${c#*|}"
  start=$(date +%s.%N)
  if "$ITSA" bound $args > /dev/null; then v=proved; else v="not proved"; fi
  end=$(date +%s.%N)
  itsa_t[$name]=$(echo "$end - $start" | bc)
  itsa_v[$name]=$v
done
echo -e "claim\titsa\titsa s\tpsitip\tpsitip s\tratio psitip/itsa"
"$PY" bench/psitip/claims.py | while IFS=$'\t' read -r name verdict secs; do
  s="${secs%s}"
  printf "%s\t%s\t%.3f\t%s\t%.3f\t%.1f\n" "$name" "${itsa_v[$name]}" "${itsa_t[$name]}" "$verdict" "$s" "$(echo "$s / ${itsa_t[$name]}" | bc -l)"
done
