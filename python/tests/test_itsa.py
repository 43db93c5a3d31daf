"""Tests of the Python package: each feature both ways (a correct scheme passes, a broken one
fails with the right counterexample), located errors, exact region values."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest

import itsa

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"


def spec(name: str) -> str:
    return str(SPECS / name)


def body(text: str) -> list:
    """A spec's lines without comments, blank lines and the [expect] table."""
    out = []
    for line in text.splitlines():
        if line.strip() == "[expect]":
            break
        if line.strip() and not line.lstrip().startswith("#"):
            out.append(line)
    return out


# ---------------------------------------------------------------- verify


def test_printed_weng_example_is_violated_with_its_witnesses():
    r = itsa.verify(spec("weng-seed003-printed.toml"))
    assert list(r)[:2] == ["schema_version", "verdict"]  # as the CLI writes every document
    assert r["verdict"] == "violated"
    assert not r.verified
    assert r.family("correctness")["failures"] == 4
    assert r.family("server-security")["failures"] == 11
    assert r["failures"] == 15
    leak = r.family("server-security")["examples"][0]
    assert leak["kind"] == "leak"
    assert leak["witnesses"] and leak["witnesses"][0]["expression"]
    miss = r.family("correctness")["examples"][0]
    assert miss["kind"] == "not-decodable" and miss["missing"]


def test_corrected_weng_example_is_verified():
    r = itsa.verify(spec("weng-seed003-corrected.toml"))
    assert r["verdict"] == "verified" and r.verified
    assert r["failures"] == 0
    assert all(f["failures"] == 0 and not f["examples"] for f in r["families"])
    assert {ln["status"] for ln in r["rates"]["lines"]} == {"optimal"}


def test_report_is_the_cli_json():
    binary = ROOT / "target" / "debug" / "itsa"
    if not binary.exists():
        pytest.skip("no CLI binary built (cargo test builds target/debug/itsa)")
    out = subprocess.run(
        [str(binary), "verify", spec("weng-seed003-printed.toml"), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 1
    cli = json.loads(out.stdout)
    r = itsa.verify(spec("weng-seed003-printed.toml"))
    cli.pop("elapsed_seconds")
    mine = dict(r)
    mine.pop("elapsed_seconds")
    assert list(mine) == list(cli)
    assert mine == cli


def test_reports_match_the_json_schema():
    """docs/report.schema.json (when the repository has it) describes every report."""
    schema_file = ROOT / "docs" / "report.schema.json"
    if not schema_file.exists():
        pytest.skip("no docs/report.schema.json")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    reports = [
        itsa.verify(spec("weng-seed003-printed.toml")),
        itsa.verify(spec("weng-seed003-corrected.toml"), show_decoders=True),
        itsa.verify(spec("tjl-n6-t4-active-attack.toml")),
        itsa.construct("multi-server", servers=2, users_per_server=2, colluders=1),
    ]
    for r in reports:
        jsonschema.validate(dict(r), schema)


def test_pathlike_path_and_text_give_the_same_report():
    p = SPECS / "zhao-sun-example2.toml"
    a = itsa.verify(p)
    b = itsa.verify(p.read_text(encoding="utf-8"), name="example2.toml")
    assert a["verdict"] == b["verdict"] == "verified"
    assert a["checks"] == b["checks"] > 0
    assert b["file"] == "example2.toml"


def test_json_spec_text():
    exported = itsa.construct("dropout", users=3, min_survivors=2, colluders=0)
    assert exported.verified
    # TOML → JSON through the CLI's converter is covered by the Rust tests; here: JSON text is
    # recognised as a spec, and a broken JSON spec reports a located error.
    with pytest.raises(itsa.SpecError) as e:
        itsa.verify('{\n  "model": "dropout",\n  "prime": 4\n}', name="bad.json")
    assert e.value.path == "bad.json"


def test_show_decoders():
    r = itsa.verify(spec("weng-seed003-corrected.toml"), show_decoders=True, max_decoders=2)
    fam = r.family("correctness")
    assert 0 < len(fam["decoders"]) <= 2
    assert "decoders" not in itsa.verify(spec("weng-seed003-corrected.toml")).family("correctness")


def test_max_failures_limits_the_examples():
    r = itsa.verify(spec("weng-seed003-printed.toml"), max_failures=1)
    assert len(r.family("server-security")["examples"]) == 1
    assert r.family("server-security")["failures"] == 11


def test_parameter_override_breaks_example1_like_the_broken_spec():
    ok = itsa.verify(spec("zhao-sun-example1.toml"))
    assert ok["verdict"] == "verified" and ok.overridden == []
    # Example 1 has no noise: against one colluder it leaks, exactly as the spec that says
    # so (broken-example1-against-t1.toml, its [expect] table: security = 12).
    r = itsa.verify(spec("zhao-sun-example1.toml"), colluders=1)
    assert r["verdict"] == "violated"
    assert r["params"]["colluders"] == 1
    assert r.overridden == ["colluders=1 (spec: 0)"]  # as `itsa verify --set colluders=1`
    assert "parameters overridden: colluders=1 (spec: 0)" in r._repr_html_()
    broken = itsa.verify(spec("broken-example1-against-t1.toml"))
    assert [f["failures"] for f in r["families"]] == [f["failures"] for f in broken["families"]]
    assert r.family("security")["failures"] == 12
    # dashes: min_survivors and params={"min-survivors": …} name the same parameter
    a = itsa.verify(spec("zhao-sun-example1.toml"), params={"min-survivors": 2}, colluders=1)
    b = itsa.verify(spec("zhao-sun-example1.toml"), min_survivors=2, colluders=1)
    assert a.overridden == b.overridden
    assert a.overridden[0].startswith("min-survivors=2")
    # U = 1 needs second-round messages the file does not declare: a located error
    with pytest.raises(itsa.SpecError, match=r"missing `Y\[1\]\{1\}`") as e:
        itsa.verify(spec("zhao-sun-example1.toml"), min_survivors=1)
    assert e.value.line is not None


def test_unknown_override_is_a_located_error_naming_the_override():
    with pytest.raises(itsa.SpecError) as e:
        itsa.verify(spec("zhao-sun-example1.toml"), bogus=1)
    assert "has no parameter `bogus`" in str(e.value)
    with pytest.raises(itsa.ParameterError):
        itsa.verify(spec("zhao-sun-example1.toml"), colluders="two")


def test_check_limit():
    with pytest.raises(itsa.ParameterError, match="force=True"):
        itsa.verify(spec("weng-seed003-printed.toml"), max_checks=10)
    r = itsa.verify(spec("weng-seed003-printed.toml"), max_checks=10, force=True)
    assert r["checks"] == 62


# ---------------------------------------------------------------- errors


def test_located_error_in_text():
    text = (SPECS / "zhao-sun-example1.toml").read_text(encoding="utf-8")
    lines = text.splitlines()
    i = next(n for n, ln in enumerate(lines) if ln.startswith('"X[1]"'))
    col = lines[i].index("=") + 3  # inside the expression string: 1-based column of its first char
    lines[i] = '"X[1]" = "W[1] + * Z[1]"'
    with pytest.raises(itsa.SpecError) as e:
        itsa.verify("\n".join(lines) + "\n", name="mine.toml")
    err = e.value
    assert isinstance(err, ValueError) and isinstance(err, itsa.ItsaError)
    assert err.path == "mine.toml"
    assert err.line == i + 1
    assert err.col > col  # points into the expression, past its start
    assert err.source_line == lines[i]
    assert str(err).startswith(f"mine.toml:{i + 1}:{err.col}: ")
    assert err.snippet.splitlines()[1] == f"{i + 1} | {lines[i]}"
    assert err.snippet.splitlines()[2].endswith("^")
    # survives pickling (e.g. multiprocessing)
    again = pickle.loads(pickle.dumps(err))
    assert (again.line, again.col, str(again)) == (err.line, err.col, str(err))


def test_unknown_model_points_at_the_model_line():
    text = (SPECS / "zhao-sun-example1.toml").read_text(encoding="utf-8")
    lines = text.splitlines()
    i = lines.index('model = "dropout"')
    lines[i] = 'model = "no-such-model"'
    with pytest.raises(itsa.SpecError) as e:
        itsa.verify("\n".join(lines), name="x.toml")
    assert e.value.line == i + 1 and e.value.col == 9
    assert "no-such-model" in e.value.message


def test_missing_file():
    with pytest.raises(itsa.SpecError) as e:
        itsa.verify(str(SPECS / "no-such-spec.toml"))
    assert e.value.line is None and "cannot read the spec" in str(e.value)


def test_bad_argument_type():
    with pytest.raises(TypeError):
        itsa.verify(42)  # type: ignore[arg-type]


# ---------------------------------------------------------------- region


def test_dropout_region_is_exact():
    g = itsa.region("dropout", users=4, min_survivors=3, colluders=1)
    assert g["schema_version"] == 1
    assert g.feasible
    assert g.values == {"R1": Fraction(1), "R2": Fraction(1, 2)}
    assert [b["value"] for b in g["bounds"]] == ["1", "1/2"]
    assert g["params"] == {"users": 4, "min-survivors": 3, "colluders": 1}
    # R2 = 1/(U−T): depends on U−T only
    assert itsa.region("dropout", users=9, min_survivors=6, colluders=3).values["R2"] == Fraction(1, 3)


def test_dropout_region_infeasible_when_u_le_t():
    g = itsa.region("dropout", users=4, min_survivors=1, colluders=1)
    assert not g.feasible and g["status"] == "infeasible"
    assert g.values == {}
    assert "U ≤ T" in g["condition"]


def test_hierarchical_region_keeps_the_log_factor_apart():
    g = itsa.region("hierarchical", clients=5, relays_per_client=3, failures=1, alphabet=3)
    assert g.values == {
        "R1": Fraction(3, 2),
        "R2": Fraction(1, 2),
        "R_S": Fraction(1, 2),
        "R_SΣ": Fraction(3, 2),
    }
    rs = next(b for b in g["bounds"] if b["name"] == "R_S")
    assert rs["factor"]["symbolic"] == "log 11 / log 3"
    assert "\\frac{d}{d-s}" in g.latex


def test_multi_server_region():
    g = itsa.region("multi-server", servers=2, users_per_server=3, colluders=2)
    assert g.values["R_ZΣ"] == Fraction(5)  # min{U+V+T−2, UV−1} = min{5, 5}


def test_region_errors():
    with pytest.raises(itsa.ParameterError, match="min-survivor"):
        itsa.region("dropout", users=4, min_survivor=3)
    with pytest.raises(itsa.ParameterError):
        itsa.region("no-such-model", users=4)
    with pytest.raises(itsa.ParameterError):
        itsa.region("dropout", users=-1)


def test_threshold_table():
    t = itsa.region("threshold-sharing", clients=4)
    assert isinstance(t, itsa.ThresholdTable)
    assert t["scheme"] == "tjl"
    assert t["rows"]
    assert "threshold" in t.text
    with pytest.raises(itsa.ParameterError):
        itsa.region("threshold-sharing", clients=4, users=3)


# ---------------------------------------------------------------- construct


def test_construct_dropout_matches_the_shipped_spec_and_verifies():
    c = itsa.construct("dropout", users=4, min_survivors=3, colluders=1)
    assert c.verified
    assert body(c.spec) == body((SPECS / "construct-dropout-K4-U3-T1.toml").read_text(encoding="utf-8"))
    spec_text, report = c.astuple()
    assert spec_text == c.spec and report["checks"] == c["checks"]
    again = itsa.verify(c.spec)
    assert again["verdict"] == "verified" and again["checks"] == c["checks"]
    assert {ln["status"] for ln in c["rates"]["lines"]} == {"optimal"}


def test_construct_below_the_key_bound_is_violated():
    ok = itsa.construct("multi-server", servers=2, users_per_server=3, colluders=2, prime=257)
    assert ok.verified and ok["construction"]["seed"] == 1
    bad = itsa.construct("multi-server", servers=2, users_per_server=3, colluders=2, key_dim=4, prime=257)
    assert bad["verdict"] == "violated"
    assert bad.family("security")["failures"] == 6
    shipped = (SPECS / "broken-multi-server-key-dim-below-bound.toml").read_text(encoding="utf-8")
    assert body(bad.spec) == body(shipped)


def test_construct_errors(tmp_path):
    with pytest.raises(itsa.ParameterError, match="min-survivors"):
        itsa.construct("dropout", users=4, colluders=1)
    with pytest.raises(itsa.ParameterError):
        itsa.construct("dropout", users=4, min_survivors=1, colluders=1)  # U ≤ T
    with pytest.raises(itsa.ParameterError, match="unknown parameter"):
        itsa.construct("dropout", users=4, min_survivors=3, colluders=1, relays=2)
    with pytest.raises(itsa.ParameterError, match="key_dim"):
        itsa.construct("dropout", users=4, min_survivors=3, colluders=1, key_dim=2)
    c = itsa.construct("threshold-sharing", clients=5, threshold=4, scheme="bonawitz")
    assert c.verified
    out = tmp_path / "b.toml"
    c.write(out)
    assert itsa.verify(out)["verdict"] == "verified"


# ---------------------------------------------------------------- display


def test_rich_display_of_a_violated_report():
    r = itsa.verify(spec("weng-seed003-printed.toml"))
    html = r._repr_html_()
    assert "VIOLATED" in html and "server-security" in html
    w = r.family("server-security")["examples"][0]["witnesses"][0]
    assert f"witness {w['expression']} + ({w['known_expression']}) = {w['reveals']}" in html
    md = r._repr_markdown_()
    assert md.startswith("**VIOLATED**") and "| server-security |" in md
    assert "VIOLATED" in str(r)  # the CLI text report
    assert repr(r).startswith("<Report violated")


def test_rich_display_of_a_verified_report_and_a_region():
    r = itsa.verify(spec("weng-seed003-corrected.toml"))
    assert "VERIFIED" in r._repr_html_() and "VIOLATED" not in r._repr_html_()
    g = itsa.region("dropout", users=4, min_survivors=3, colluders=1)
    assert "1/2" in g._repr_html_()
    assert "$$" in g._repr_markdown_() and "%" not in g._repr_markdown_().split("$$")[1]
    bad = itsa.region("dropout", users=4, min_survivors=1, colluders=1)
    assert "infeasible" in bad._repr_html_()


# ---------------------------------------------------------------- bound


@pytest.mark.skipif(
    os.environ.get("ITSA_NO_DEFAULT_FEATURES") == "1",
    reason="testing a --no-default-features build (ITSA_NO_DEFAULT_FEATURES=1)",
)
def test_the_default_build_has_bound():
    # `bound` is a default feature of the binding (pure Rust): `pip install .` has it.
    assert itsa.HAS_BOUND
    assert callable(getattr(itsa._itsa, "bound", None))


needs_bound = pytest.mark.skipif(not itsa.HAS_BOUND, reason="built without the `bound` feature")


@needs_bound
def test_bound_summation_is_proved_with_an_exact_certificate():
    b = itsa.bound("summation", users=3, minimize="RZsum")
    assert isinstance(b, itsa.BoundReport)
    assert b["schema_version"] and b["model"].startswith("summation")
    assert b["status"] == "proved"
    assert b["bound"] == "2" and b.value == Fraction(2)
    assert abs(b["lp_value"] - 2.0) < 1e-6
    assert b["certificate_method"]
    # The certificate: rows with exact weights, of the three kinds; the inequalities
    # (Shannon's elemental ones and the rate row) with positive weights, model equalities
    # with either sign; the rate row RZsum − H(Z1,Z2,Z3) ≥ 0 weighted 1.
    rows = b["proof"]
    assert rows, "a proved bound has its certificate rows"
    assert {r["kind"] for r in rows} == {"elemental", "model", "rate"}
    for r in rows:
        w = Fraction(r["weight"])
        assert w != 0
        if r["kind"] != "model":
            assert w > 0 and "≥ 0" in r["row"], r
    rate = [r for r in rows if r["kind"] == "rate"]
    assert len(rate) == 1 and rate[0]["row"].startswith("RZsum") and rate[0]["weight"] == "1"
    assert "PROVED" in b.text and "PROVED" in b.proof
    assert all(r["row"] in b.proof for r in rows)
    assert "2" in b._repr_html_()


@needs_bound
def test_bound_false_claim_is_not_provable():
    # H(Z1, Z2, Z3) >= 3 does not follow: the LP optimum is 2 (docs/bounds.md).
    b = itsa.bound("summation", users=3, minimize="Z[1],Z[2],Z[3]", claim=3)
    assert b["status"] == "not_provable"
    assert b["claim"] == "3"
    assert b["lp_value"] < 3 - 1e-6
    assert b["bound"] is None or Fraction(b["bound"]) < 3
    assert "below the claim 3" in b["failure"]
    assert b["witness_value"] is None or Fraction(b["witness_value"]) < 3
    assert "PROVED:" not in b.text
    # The same objective without the claim is proved at its true value.
    t = itsa.bound("summation", users=3, minimize="Z[1],Z[2],Z[3]", claim=Fraction(2))
    assert t["status"] == "proved" and t.value == 2


@needs_bound
def test_bound_bad_names_raise_with_the_message():
    with pytest.raises(itsa.BoundError) as e:
        itsa.bound("summation", users=3, minimize="Q[9]")
    assert "Q[9]" in str(e.value)
    with pytest.raises(itsa.ItsaError) as e:
        itsa.bound("summation", users=3, minimize="RZsum", restrict="Z[1],Nope")
    assert "Nope" in str(e.value)
    with pytest.raises(itsa.ParameterError, match="no bound model 'ring'"):
        itsa.bound("ring", users=3, minimize="RZsum")
    with pytest.raises(itsa.ParameterError, match="missing parameter users"):
        itsa.bound("summation", minimize="RZsum")
    with pytest.raises(itsa.ParameterError, match="claim"):
        itsa.bound("summation", users=3, minimize="RZsum", claim="two")


@pytest.mark.skipif(itsa.HAS_BOUND, reason="built with the `bound` feature")
def test_bound_without_the_feature_says_how_to_build_it():
    with pytest.raises(itsa.BoundError, match="no-default-features"):
        itsa.bound("summation", users=3, minimize="RZsum")
