#!/usr/bin/env bash
# CI for the Python package (called by .ci/run after `cargo test`): a fresh venv, the package
# built by maturin and installed with pip, its pytest suite, and docs/itsa.ipynb executed.
#
# The package is installed from the repository's root (`pip install .`, the root pyproject.toml),
# as a user installs it. The wheel is built with Cargo's dev profile into the shared target/
# (the root Cargo.toml is a workspace with python/ as a member), so it reuses the dependencies
# `cargo test` compiled (time on a warm target/: docs/python.md). A user's `pip install .`
# builds the release profile instead.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="$(realpath -m "${ITSA_PY_VENV:-target/python-venv}")"
python3 -m venv --clear "$venv"
# Activated: with --no-build-isolation, maturin's PEP 517 hook runs the `maturin` on PATH.
export PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv"
py="$venv/bin/python"
echo "== python: pip install maturin pytest jsonschema nbclient nbformat ipykernel"
"$py" -m pip install -q --disable-pip-version-check maturin pytest jsonschema nbclient nbformat ipykernel
echo "== python: pip install . (maturin, dev profile, shared target/)"
start=$(date +%s)
MATURIN_PEP517_ARGS="--profile dev" "$py" -m pip install -q --disable-pip-version-check --no-build-isolation .
echo "wheel built and installed in $(($(date +%s) - start)) s"
echo "== python: the done-when line"
verdict=$("$py" -c "import itsa; print(itsa.verify('specs/weng-seed003-printed.toml')['verdict'])")
echo "itsa.verify('specs/weng-seed003-printed.toml')['verdict'] = $verdict"
[ "$verdict" = violated ]
echo "== python: pytest python/tests"
"$py" -m pytest -q python/tests
echo "== python: execute docs/itsa.ipynb"
"$venv/bin/jupyter-execute" --timeout=300 docs/itsa.ipynb
