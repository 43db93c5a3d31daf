#!/usr/bin/env bash
# Shards on real schedulers: run the recipes of docs/cli.md (the fenced blocks after
# `<!-- recipe:parallel -->` and `<!-- recipe:slurm -->`, extracted verbatim) on a real spec,
# then compare the merged report with the unsharded one.
#
#   tests/scheduler/run.sh [parallel|slurm|all]     (default all)
#
# Env: ITSA (binary, default target/debug/itsa), SPEC (default specs/tjl-n6-t4-active-attack.toml:
# 3016 checks, violated, so failures are spread over the shards).
#
# Slurm: installs Debian's slurm-wlm and munge if missing (needs root or sudo), starts munged,
# slurmctld and slurmd for a one-node cluster on localhost (configuration in a temporary
# directory), submits the recipe's job array, waits, and stops the daemons it started (by pid).
# GNU parallel is installed the same way. A scheduler that cannot be installed or started is
# skipped with the reason printed (exit 0); a merged report that differs is a failure (exit 1).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
what=${1:-all}
itsa=$(realpath "${ITSA:-target/debug/itsa}")
spec=$(realpath "${SPEC:-specs/tjl-n6-t4-active-attack.toml}")
[ -x "$itsa" ] || { echo "no itsa binary at $itsa (cargo build first)"; exit 2; }

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo -n"

skip() { echo "SKIP ($1): $2"; }

# Install Debian packages if missing; false (with the reason printed) when that is impossible.
ensure() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} = 0 ] && return 0
  if [ -n "$SUDO" ] && ! sudo -n true 2>/dev/null; then
    echo "cannot install ${missing[*]}: not root and no password-less sudo"; return 1
  fi
  if ! command -v apt-get >/dev/null; then echo "cannot install ${missing[*]}: no apt-get"; return 1; fi
  $SUDO apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
    || { echo "apt-get install ${missing[*]} failed"; return 1; }
}

# The fenced block after `<!-- recipe:NAME -->` in docs/cli.md.
recipe() {
  awk -v tag="<!-- recipe:$1 -->" '
    $0 == tag { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' docs/cli.md
}

work=$(mktemp -d)
cleanup_dirs=("$work")
stop_pids=()
cleanup() {
  for pid in "${stop_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${stop_pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  rm -rf "${cleanup_dirs[@]}"
}
trap cleanup EXIT

# Compare report.json of a recipe run with the unsharded report (elapsed time and audit aside).
compare() {
  local full_rc=0
  (cd "$1" && "$itsa" verify big.toml --json > full.json) || full_rc=$?
  [ "$full_rc" -le 1 ] || { echo "FAIL: unsharded verify failed (exit $full_rc)"; return 1; }
  python3 - "$1/full.json" "$1/report.json" <<'PY'
import json, sys
full, merged = (json.load(open(p)) for p in sys.argv[1:3])
audit = merged.pop("audit", None)
for r in (full, merged):
    r.pop("elapsed_seconds", None)
assert audit is not None, "the merged report has no audit section"
assert audit["failures_rechecked"] == full["failures"], audit
if merged != full:
    sys.exit("the merged report differs from the unsharded one")
print(f"  merged = unsharded: {full['verdict']}, {full['checks']} checks, "
      f"{full['failures']} failures; audit re-evaluated {audit['failures_rechecked']} failures "
      f"and {audit['passing_rechecked']} of {audit['passing_total']} passing checks")
PY
}

# A fresh directory with the spec as big.toml and itsa on PATH.
stage() {
  local d
  d=$(mktemp -d)
  chmod 755 "$d"
  cleanup_dirs+=("$d")
  cp "$spec" "$d/big.toml"
  mkdir -p "$d/bin"
  ln -s "$itsa" "$d/bin/itsa"
  echo "$d"
}

run_parallel() {
  echo "== GNU parallel (recipe:parallel of docs/cli.md)"
  local why
  if ! why=$(ensure parallel); then skip parallel "$why"; return 0; fi
  local d
  d=$(stage)
  recipe parallel > "$d/recipe.sh"
  # The recipe ends with `itsa merge`: exit 1 is the verdict VIOLATED, not a failure.
  local rrc=0
  (cd "$d" && PATH="$d/bin:$PATH" bash -uo pipefail recipe.sh) || rrc=$?
  [ "$rrc" -le 1 ] || { echo "FAIL: the parallel recipe failed (exit $rrc)"; return 1; }
  compare "$d"
}

run_slurm() {
  echo "== Slurm job array on a one-node cluster (recipe:slurm of docs/cli.md)"
  local why
  if ! why=$(ensure slurm-wlm munge); then skip slurm "$why"; return 0; fi
  if [ -n "$SUDO" ]; then skip slurm "starting slurmctld/slurmd needs root"; return 0; fi
  if pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null; then
    skip slurm "a Slurm daemon is already running on this machine; not touching it"; return 0
  fi
  local d conf host
  d=$(stage)
  conf=$(mktemp -d)
  chmod 755 "$conf"
  cleanup_dirs+=("$conf")
  host=$(hostname -s)
  mkdir -p "$conf/state" "$conf/spool" "$conf/log"
  # 8 CPUs declared (the recipe asks --cpus-per-task=8); tasks then run one at a time.
  cat > "$conf/slurm.conf" <<EOF
ClusterName=itsa-ci
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$conf/state
SlurmdSpoolDir=$conf/spool
SlurmctldPidFile=$conf/slurmctld.pid
SlurmdPidFile=$conf/slurmd.pid
SlurmctldLogFile=$conf/log/slurmctld.log
SlurmdLogFile=$conf/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
MpiDefault=none
ReturnToService=2
SlurmctldPort=6917
SlurmdPort=6918
NodeName=$host NodeAddr=127.0.0.1 CPUs=8 State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF=$conf/slurm.conf
  # munge: use the packaged key (created by the package) or make one.
  if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=128 2>/dev/null
    chown munge:munge /etc/munge/munge.key 2>/dev/null || true
    chmod 400 /etc/munge/munge.key
  fi
  mkdir -p "$conf/munge"
  chown munge:munge "$conf/munge" 2>/dev/null || true
  if ! pgrep -x munged >/dev/null; then
    # As the munge user when it exists (munged refuses some setups as root).
    local msock=$conf/munge/munge.socket
    if id munge >/dev/null 2>&1; then
      su -s /bin/sh munge -c "munged --socket=$msock --pid-file=$conf/munge/munged.pid --log-file=$conf/munge/munged.log --seed-file=$conf/munge/seed" \
        || { skip slurm "munged did not start"; return 0; }
    else
      munged --socket="$msock" --pid-file="$conf/munge/munged.pid" --log-file="$conf/munge/munged.log" \
        --seed-file="$conf/munge/seed" --force || { skip slurm "munged did not start"; return 0; }
    fi
    stop_pids+=("$(cat "$conf/munge/munged.pid")")
    echo "AuthInfo=socket=$msock" >> "$conf/slurm.conf"
  fi
  slurmctld -f "$conf/slurm.conf" || { skip slurm "slurmctld did not start: $(tail -3 "$conf/log/slurmctld.log" 2>/dev/null)"; return 0; }
  for _ in $(seq 50); do [ -s "$conf/slurmctld.pid" ] && break; sleep 0.1; done
  stop_pids+=("$(cat "$conf/slurmctld.pid")")
  slurmd -f "$conf/slurm.conf" || { skip slurm "slurmd did not start: $(tail -3 "$conf/log/slurmd.log" 2>/dev/null)"; return 0; }
  for _ in $(seq 50); do [ -s "$conf/slurmd.pid" ] && break; sleep 0.1; done
  stop_pids+=("$(cat "$conf/slurmd.pid")")
  local up=""
  for _ in $(seq 100); do
    if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then up=1; break; fi
    sleep 0.2
  done
  if [ -z "$up" ]; then
    skip slurm "the node did not come up: $(sinfo 2>&1 | tail -2) $(tail -3 "$conf/log/slurmd.log" 2>/dev/null)"
    return 0
  fi
  echo "  cluster up: $(sinfo -h -o '%P %D %T %c' | head -1) (partition nodes state cpus)"
  recipe slurm > "$d/recipe.sh"
  (cd "$d" && PATH="$d/bin:$PATH" bash -euo pipefail recipe.sh > submitted.txt) \
    || { echo "FAIL: the slurm recipe failed"; return 1; }
  local merge_job
  merge_job=$(tail -1 "$d/submitted.txt")
  echo "  submitted; merge job $merge_job"
  # Wait for every job (array and merge) to leave the queue.
  local waited=0
  while [ -n "$(squeue -h 2>/dev/null)" ]; do
    sleep 1; waited=$((waited + 1))
    if [ "$waited" -gt 600 ]; then echo "FAIL: jobs still queued after 600 s"; squeue; return 1; fi
  done
  local state
  state=$(scontrol show job "$merge_job" 2>/dev/null | grep -o 'JobState=[A-Z]*' || true)
  echo "  jobs done after ${waited} s; merge job ${state} (exit 1 = the verdict VIOLATED)"
  [ -s "$d/report.json" ] || { echo "FAIL: no report.json; $(cat "$d"/slurm-*.out 2>/dev/null | tail -5)"; return 1; }
  local shards
  shards=$(ls "$d"/shard*.json | wc -l)
  echo "  $shards shard files"
  compare "$d"
}

rc=0
case "$what" in
  parallel) run_parallel || rc=1 ;;
  slurm) run_slurm || rc=1 ;;
  all) run_parallel || rc=1; run_slurm || rc=1 ;;
  *) echo "usage: $0 [parallel|slurm|all]"; exit 2 ;;
esac
exit $rc
