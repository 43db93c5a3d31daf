#!/usr/bin/env bash
# itsa bound vs PSITIP on the same claims, side by side (docs/performance.md).
# Usage: bench/psitip/compare.sh [ITSA_BINARY] [PYTHON]
# Environment: PSITIP_KS=3,4,5 (default 3,4; K=5 takes PSITIP minutes per claim),
# PSITIP_TIMEOUT=seconds per PSITIP claim (default 1200; reported as "timeout"),
# PSITIP_RESULTS=file: read PSITIP's lines (claims.py output) from a file instead of running it,
# SOLVER=clarabel|highs (itsa's LP backend; highs needs a binary built with --features highs).
# PYTHON needs `pip install --no-deps psitip && pip install numpy scipy ortools`
# (psitip's pycddlib dependency needs cddlib/GMP headers and is optional: not used here).
# Columns: wall and CPU seconds (user + system) of each side, peak RSS, and the ratios
# PSITIP/itsa of wall and CPU time. itsa's time is the whole process (start, LP, solve,
# exact certificate); PSITIP's is the implication check alone.
set -euo pipefail
cd "$(dirname "$0")/../.."
ITSA="${1:-target/debug/itsa}"
PY="${2:-python3}"
KS="${PSITIP_KS:-3,4}"
SOLVER="${SOLVER:-clarabel}"
# shellcheck source=bench/psitip/claims.sh
source bench/psitip/claims.sh
bench_claims "$KS"
declare -A itsa_w itsa_c itsa_m itsa_v
tm=$(mktemp)
trap 'rm -f "$tm"' EXIT
for c in "${claims[@]}"; do
  name="${c%%|*}"; args="${c#*|}"
  # shellcheck disable=SC2086  # the arguments are word-split on purpose (no globbing names)
  if (set -f; /usr/bin/time -f '%e %U %S %M' -o "$tm" "$ITSA" bound $args --solver "$SOLVER" > /dev/null); then v=proved; else v="not proved"; fi
  read -r w u s m < <(tail -1 "$tm")
  itsa_w[$name]=$w
  itsa_c[$name]=$(echo "$u + $s" | bc)
  itsa_m[$name]=$((m / 1024))
  itsa_v[$name]=$v
done
echo -e "claim\titsa\titsa wall s\titsa CPU s\titsa MB\tpsitip\tpsitip wall s\tpsitip CPU s\tpsitip MB\tratio wall\tratio CPU"
if [ -n "${PSITIP_RESULTS:-}" ]; then psitip=(cat "$PSITIP_RESULTS"); else psitip=(env PSITIP_KS="$KS" "$PY" bench/psitip/claims.py); fi
"${psitip[@]}" | while IFS=$'\t' read -r name verdict wall cpu mb; do
  w="${wall%s}"; c="${cpu%s}"
  if [ "$verdict" = timeout ]; then rw="> $(echo "$w / ${itsa_w[$name]}" | bc)"; rc="-"; else
    rw=$(printf "%.1f" "$(echo "$w / ${itsa_w[$name]}" | bc -l)")
    rc=$(printf "%.1f" "$(echo "$c / (${itsa_c[$name]} + 0.001)" | bc -l)"); fi
  printf "%s\t%s\t%.2f\t%.2f\t%s\t%s\t%.2f\t%s\t%s\t%s\t%s\n" "$name" "${itsa_v[$name]}" "${itsa_w[$name]}" "${itsa_c[$name]}" "${itsa_m[$name]}" "$verdict" "$w" "$c" "$mb" "$rw" "$rc"
done
