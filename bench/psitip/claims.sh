# The itsa side of the benchmark claims, shared by compare.sh and backends.sh (sourced).
# bench_claims KS [rate]: fills the array `claims` with "NAME|ARGS OF itsa bound" for K in KS (a
# comma list); the names match bench/psitip/claims.py's, so the two sides pair up. With `rate`
# the K−1 claim minimises the rate RZsum instead of the joint entropy of the keys.
bench_claims() {
  claims=()
  local k zs
  for k in ${1//,/ }; do
    zs=$(seq -s, -f 'Z[%g]' 1 "$k")
    local kminus="summation K=$k: H(Z1..ZK) >= K-1|summation --users $k --minimize $zs --claim $((k - 1))"
    [ "${2:-}" = rate ] && kminus="summation K=$k: RZsum >= K-1|summation --users $k --minimize RZsum --claim $((k - 1))"
    claims+=(
      "summation K=$k: H(X1) >= 1|summation --users $k --minimize X[1] --claim 1"
      "summation K=$k: H(Z1) >= 1|summation --users $k --minimize Z[1] --claim 1"
      "$kminus"
      "summation K=$k: H(Z1..ZK) >= K (false)|summation --users $k --minimize $zs --claim $k"
    )
  done
  claims+=(
    "dropout K=3 U=2 T=0: 2 R2 >= 1 (restricted)|dropout --users 3 --min-survivors 2 --colluders 0 --minimize Y[1]{1,2}+Y[2]{1,2} --claim 1 --restrict W[1],W[2],W[3],X[1],X[2],X[3],Y[1]{1,2},Y[2]{1,2},S{1,2},S{1,3}"
  )
}
