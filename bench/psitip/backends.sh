#!/usr/bin/env bash
# itsa bound's two LP backends side by side on the same claims (docs/performance.md).
# Usage: bench/psitip/backends.sh [ITSA_BINARY built with --features highs]
# Environment: BACKEND_KS=3,4,5,6 (default), BACKEND_TIMEOUT=seconds per run (default 1800),
# SHORTEN=1 adds --shorten (the fewest-weight certificate) to every run.
# Prints per claim and backend: verdict, certificate rows, wall and CPU seconds (user + system),
# peak RSS; then the CPU ratio clarabel/HiGHS.
set -euo pipefail
cd "$(dirname "$0")/../.."
ITSA="${1:-target/release/itsa}"
KS="${BACKEND_KS:-3,4,5,6}"
LIMIT="${BACKEND_TIMEOUT:-1800}"
extra=()
[ -n "${SHORTEN:-}" ] && extra+=(--shorten)
# shellcheck source=bench/psitip/claims.sh
source bench/psitip/claims.sh
bench_claims "$KS" rate
tm=$(mktemp); out=$(mktemp)
trap 'rm -f "$tm" "$out"' EXIT
echo -e "claim\tclarabel\tcert rows\twall s\tCPU s\tMB\tHiGHS\tcert rows\twall s\tCPU s\tMB\tCPU clarabel/HiGHS"
for c in "${claims[@]}"; do
  name="${c%%|*}"; args="${c#*|}"
  line="$name"
  declare -A cpu=()
  for solver in clarabel highs; do
    rc=0
    # shellcheck disable=SC2086  # the arguments are word-split on purpose (no globbing names)
    (set -f; /usr/bin/time -f '%e %U %S %M' -o "$tm" timeout "$LIMIT" "$ITSA" bound $args --solver "$solver" "${extra[@]}" > "$out") || rc=$?
    case $rc in 0) v=proved ;; 1) v="not proved" ;; 124) v=timeout ;; *) v="error $rc" ;; esac
    rows=$(grep -o 'certificate: [0-9]* rows' "$out" | grep -o '[0-9]*' || echo -)
    read -r w u s m < <(tail -1 "$tm")
    cpu[$solver]=$(echo "$u + $s" | bc)
    line+=$(printf "\t%s\t%s\t%.2f\t%.2f\t%d" "$v" "$rows" "$w" "${cpu[$solver]}" $((m / 1024)))
  done
  line+=$(printf "\t%.2f" "$(echo "${cpu[clarabel]} / (${cpu[highs]} + 0.001)" | bc -l)")
  echo -e "$line"
done
