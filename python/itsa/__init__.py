"""itsa — information-theoretic secure aggregation, from Python.

Exact, exhaustive verification of linear secure-aggregation schemes over F_p. The engine is
the itsa Rust library, called in-process (``itsa._itsa``); every result is the same JSON the
command line prints with ``--json``, as Python dicts and lists.

>>> import itsa
>>> r = itsa.verify("specs/weng-seed003-printed.toml")
>>> r["verdict"]
'violated'

Functions: :func:`verify`, :func:`region`, :func:`construct` and :func:`bound` (the
Shannon-type LP bound; in every default build, :data:`HAS_BOUND`). Errors are
:class:`SpecError` (located: ``.path``, ``.line``, ``.col``), :class:`ParameterError`,
:class:`ConstructionError` and :class:`BoundError`, all subclasses of :class:`ItsaError`.
See docs/python.md.
"""

from __future__ import annotations

import json
import os
from fractions import Fraction
from html import escape as _escape
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from . import _itsa
from ._display import bound_html, region_html, region_markdown, report_html, report_markdown
from ._errors import BoundError, ConstructionError, ItsaError, ParameterError, SpecError

__all__ = [
    "verify",
    "region",
    "construct",
    "bound",
    "Report",
    "Region",
    "ThresholdTable",
    "Construction",
    "BoundReport",
    "ItsaError",
    "SpecError",
    "ParameterError",
    "ConstructionError",
    "BoundError",
    "HAS_BOUND",
    "CHECK_LIMIT",
    "__version__",
]

__version__: str = _itsa.__version__
#: Whether :func:`bound` is available (the native module was built with the ``bound`` feature).
HAS_BOUND: bool = bool(_itsa.HAS_BOUND)
#: Above this many checks :func:`verify` needs ``force=True`` (the CLI's ``--max-checks``).
CHECK_LIMIT: int = int(_itsa.CHECK_LIMIT)


class _JsonResult(dict):
    """A result: the JSON object of the CLI's ``--json`` as a dict, plus the CLI's text.

    ``r["key"]`` and every dict method work on the JSON; ``r.text`` is what the command
    line prints without ``--json``; ``r.json()`` is the JSON text.
    """

    def __init__(self, data: Mapping[str, Any], text: str):
        super().__init__(data)
        self.text = text

    def json(self, **kwargs: Any) -> str:
        """The JSON text (``json.dumps`` keyword arguments are passed on; indent 2 default)."""
        kwargs.setdefault("indent", 2)
        kwargs.setdefault("ensure_ascii", False)
        return json.dumps(self, **kwargs)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._summary()}>"

    def _summary(self) -> str:
        return ""

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.text)

    # dict subclasses pickle their items; keep the text too.
    def __reduce__(self):
        return (type(self), (dict(self), self.text))


class Report(_JsonResult):
    """A verification report: the JSON of ``itsa verify --json`` (see docs/cli.md).

    Keys include ``verdict`` (``"verified"`` / ``"violated"``), ``checks``, ``failures``,
    ``families`` (each with ``examples``: the failing sets and their witnesses), ``rates``
    and ``params`` (the values used); ``overridden`` lists the parameters :func:`verify`
    overrode, as ``--set`` does.
    """

    @property
    def overridden(self) -> List[str]:
        """The parameters overridden (``--set``), e.g. ``["colluders=1 (spec: 0)"]``."""
        return list(self.get("overridden", []))

    @property
    def verified(self) -> bool:
        """True when every check passed and the achieved rates raise no alarm (the CLI's exit 0)."""
        alarm = bool((self.get("rates") or {}).get("alarm", False))
        return self["verdict"] == "verified" and not alarm

    def family(self, name: str) -> Dict[str, Any]:
        """The family report called ``name`` (e.g. ``"server-security"``)."""
        for f in self["families"]:
            if f["name"] == name:
                return f
        names = ", ".join(f["name"] for f in self["families"])
        raise KeyError(f"no family {name!r}; families: {names}")

    def _summary(self) -> str:
        return f"{self['verdict']}: {self.get('file', '')}, {self['checks']} checks, {self['failures']} failed"

    def _repr_html_(self) -> str:
        return report_html(self)

    def _repr_markdown_(self) -> str:
        return report_markdown(self)


class Region(_JsonResult):
    """An optimal rate region: the JSON of ``itsa region MODEL --json`` (see docs/regions.md).

    :attr:`values` gives each bound as an exact :class:`fractions.Fraction` (the rational
    coefficient; a key rate's ``log p / log q`` factor is kept apart in ``r["bounds"][i]["factor"]``).
    ``r.latex`` is the ``--latex`` rendering.
    """

    def __init__(self, data: Mapping[str, Any], text: str, latex: str = ""):
        super().__init__(data, text)
        self.latex = latex

    def __reduce__(self):
        return (type(self), (dict(self), self.text, self.latex))

    @property
    def feasible(self) -> bool:
        return self.get("status") == "feasible"

    @property
    def values(self) -> Dict[str, Fraction]:
        """``{rate name: exact lower bound}``, e.g. ``{"R1": Fraction(1), "R2": Fraction(1, 2)}``."""
        return {b["name"]: Fraction(b["value"]) for b in self.get("bounds", [])}

    def _summary(self) -> str:
        if not self.feasible:
            return f"{self.get('model')}: {self.get('status')}"
        bounds = ", ".join(f"{b['name']} ≥ {b['value']}" for b in self.get("bounds", []))
        return f"{self.get('model')}: {bounds}"

    def _repr_html_(self) -> str:
        return region_html(self)

    def _repr_markdown_(self) -> str:
        return region_markdown(self)


class ThresholdTable(_JsonResult):
    """``itsa region threshold-sharing --json``: the smallest secure Shamir threshold against a
    passive and an active server, each entry verified exhaustively (``rows``, ``passive_min``,
    ``active_min``). A table, not a rate region."""

    def _summary(self) -> str:
        return (
            f"threshold-sharing {self.get('scheme')} n={self.get('clients')}: "
            f"passive t ≥ {self.get('passive_min')}, active t ≥ {self.get('active_min')}"
        )

    def _repr_html_(self) -> str:
        return "<pre>" + _escape(self.text) + "</pre>"

    def _repr_markdown_(self) -> str:
        return "```\n" + self.text + "```\n"


class Construction(Report):
    """A construction: its verification report (a :class:`Report`) and its spec text.

    ``c.spec`` is the TOML spec (what ``itsa construct -o FILE.toml`` writes; pass it back to
    :func:`verify`); ``c.write(path)`` saves it.
    """

    def __init__(self, data: Mapping[str, Any], text: str, spec: str = ""):
        super().__init__(data, text)
        self.spec = spec

    def __reduce__(self):
        return (type(self), (dict(self), self.text, self.spec))

    def astuple(self) -> Tuple[str, "Report"]:
        """``(spec text, report)``."""
        return self.spec, Report(dict(self), self.text)

    def write(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Write the spec to ``path`` (TOML; a ``.json`` name is refused: use the CLI's -o)."""
        if str(path).endswith(".json"):
            raise ParameterError("Construction.write: TOML only (itsa construct -o FILE.json converts)")
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.spec)


class BoundReport(_JsonResult):
    """A Shannon-type LP bound with its exact certificate: the JSON of ``itsa bound --json``.

    ``b["status"]`` is ``"proved"``, ``"not_provable"`` or ``"not_verified"``; ``b["bound"]`` the certified
    exact bound as a string (:attr:`value` as a Fraction); ``b.proof`` the proof text.
    """

    def __init__(self, data: Mapping[str, Any], text: str, proof: str = ""):
        super().__init__(data, text)
        self.proof = proof

    def __reduce__(self):
        return (type(self), (dict(self), self.text, self.proof))

    @property
    def value(self) -> Optional[Fraction]:
        b = self.get("bound")
        return None if b is None else Fraction(b)

    def _summary(self) -> str:
        return f"{self.get('objective')}: {self.get('status')} {self.get('bound') or ''}".strip()

    def _repr_html_(self) -> str:
        return bound_html(self)


def _is_spec_text(source: str) -> bool:
    """A string is spec text (not a path) when it has a newline or starts like TOML/JSON."""
    return "\n" in source or source.lstrip().startswith("{")


def _overrides(params: Optional[Mapping[str, int]], kwargs: Mapping[str, int]) -> list:
    merged: Dict[str, int] = dict(params or {})
    merged.update(kwargs)
    out = []
    for k, v in merged.items():
        if isinstance(v, bool) or not isinstance(v, int):
            raise ParameterError(f"parameter {k}: an integer is needed, got {v!r}")
        out.append((str(k), int(v)))
    return out


def verify(
    spec: Union[str, "os.PathLike[str]"],
    *,
    params: Optional[Mapping[str, int]] = None,
    show_decoders: bool = False,
    max_failures: int = 5,
    max_decoders: int = 100,
    force: bool = False,
    max_checks: Optional[int] = None,
    name: str = "<string>",
    **overrides: int,
) -> Report:
    """Verify a scheme exhaustively; the report of ``itsa verify SPEC --json``.

    ``spec`` is a path (``str`` or ``os.PathLike``) to a ``.toml`` / ``.json`` spec, or the
    spec text itself (a string with a newline, or JSON text starting with ``{``); errors in
    text are located as ``name:line:col``. Keyword arguments other than the options below
    override ``[params]`` entries of the spec (``colluders=2``; ``min_survivors`` means
    ``min-survivors``), as does ``params={"min-survivors": 2}``; ``report.overridden`` then
    says what was overridden. Options: ``show_decoders`` (decoding coefficients of passing
    correctness checks, up to ``max_decoders`` per family), ``max_failures`` (failures with
    witnesses per family), ``force`` / ``max_checks`` (the safety limit on the number of checks,
    :data:`CHECK_LIMIT` by default).

    Raises :class:`SpecError` for a spec that does not read or does not fit its model, and
    :class:`ParameterError` above the check limit. A violated scheme is not an error: look at
    ``report["verdict"]`` (or ``report.verified``).
    """
    if isinstance(spec, os.PathLike):
        source, is_path = os.fspath(spec), True
    elif isinstance(spec, str):
        is_path = not _is_spec_text(spec)
        source = spec
    else:
        raise TypeError(f"verify: a path or spec text is needed, got {type(spec).__name__}")
    for opt, v in (("max_failures", max_failures), ("max_decoders", max_decoders)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ParameterError(f"{opt}: a non-negative integer is needed, got {v!r}")
    if max_checks is not None and (not isinstance(max_checks, int) or max_checks < 0):
        raise ParameterError(f"max_checks: a non-negative integer is needed, got {max_checks!r}")
    data, text = _itsa.verify(
        source,
        is_path,
        name,
        _overrides(params, overrides),
        max_failures,
        max_decoders if show_decoders else 0,
        bool(force),
        max_checks,
    )
    return Report(json.loads(data), text)


def _model_params(kwargs: Mapping[str, Any], what: str) -> list:
    out = []
    for k, v in kwargs.items():
        if v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ParameterError(f"{what}: parameter {k}: a non-negative integer is needed, got {v!r}")
        out.append((str(k), int(v)))
    return out


def region(model: str, *, scheme: str = "tjl", **params: int) -> Union[Region, ThresholdTable]:
    """The optimal rate region of a model, exactly; ``itsa region MODEL ... --json``.

    ``itsa.region("dropout", users=4, min_survivors=2, colluders=1)``; parameter names are
    the CLI's flags with ``_`` for ``-``. Omitted parameters take the model's defaults where it
    has them. Models: dropout, multi-server, hierarchical, hierarchical-collusion,
    decentralized, and threshold-sharing (``clients=n``, ``scheme="tjl"|"bonawitz"``,
    ``prime=``): a verified :class:`ThresholdTable` rather than a region.

    Raises :class:`ParameterError` for an unknown model or a bad parameter.
    """
    if model == "threshold-sharing":
        given = dict(params)
        if set(given) - {"clients", "prime"}:
            extra = ", ".join(sorted(set(given) - {"clients", "prime"}))
            raise ParameterError(f"region('threshold-sharing'): unknown parameter(s) {extra}; it takes clients, prime, scheme")
        if "clients" not in given:
            raise ParameterError("region('threshold-sharing'): clients=n is needed")
        _model_params(given, "region")
        data, text = _itsa.threshold_table(scheme, given["clients"], given.get("prime"))
        return ThresholdTable(json.loads(data), text)
    if scheme != "tjl":
        raise ParameterError("region: scheme= applies to threshold-sharing only")
    data, text, latex = _itsa.region(model, _model_params(params, "region"))
    return Region(json.loads(data), text, latex)


def construct(
    model: str,
    *,
    prime: Optional[int] = None,
    scheme: Optional[str] = None,
    seed: int = 1,
    attempts: int = 10,
    key_dim: Optional[int] = None,
    **params: int,
) -> Construction:
    """Build a paper's optimal scheme, verify it, and return it; ``itsa construct MODEL ...``.

    ``itsa.construct("dropout", users=4, min_survivors=3, colluders=1)``. Models and their
    parameters: dropout (users, min_survivors, colluders), multi-server (servers,
    users_per_server, colluders), hierarchical (clients, relays_per_client, failures),
    threshold-sharing (clients, threshold, corrupted, input_length; ``scheme="tjl"|"bonawitz"``).
    ``prime`` picks the field; ``seed`` / ``attempts`` / ``key_dim`` steer random
    constructions as the CLI's ``--seed`` / ``--attempts`` / ``--key-dim``.

    Returns a :class:`Construction`: the verification report (a dict, as :func:`verify`
    returns) with ``.spec``, the spec text; ``spec, report = c.astuple()``.
    """
    for opt, v in (("seed", seed), ("attempts", attempts)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ParameterError(f"{opt}: a non-negative integer is needed, got {v!r}")
    spec, data, text = _itsa.construct(
        model, _model_params(params, "construct"), scheme, prime, seed, attempts, key_dim
    )
    return Construction(json.loads(data), text, spec)


def bound(
    model: str,
    *,
    minimize: str,
    restrict: Optional[str] = None,
    claim: Optional[Union[str, int, Fraction]] = None,
    shorten: bool = False,
    **params: int,
) -> BoundReport:
    """Shannon-type LP lower bound on a rate, with an exactly verified certificate.

    ``itsa.bound("summation", users=3, minimize="RZsum")`` as ``itsa bound ... --json``
    (docs/bounds.md): ``b["status"] == "proved"``, ``b.value == Fraction(2)``, the certificate
    in ``b["proof"]`` (rows with exact ``weight``, ``row`` and ``kind``) and as text in
    ``b.proof``. ``claim=`` asks for a given value: a false one is ``"not_provable"`` (the LP
    optimum ``b["lp_value"]`` is below it), a result like the CLI's exit 1, not an exception.
    ``restrict=`` keeps only some variables, ``shorten=True`` looks for a shorter certificate.
    Models: ``summation`` (``users``), ``dropout`` (``users``, ``min_survivors``,
    ``colluders``), ``multi-server`` (``servers``, ``users_per_server``, ``colluders``). A bad
    model, parameter or variable name raises :class:`ParameterError` or :class:`BoundError`
    with the message. The pure-Rust LP solver is built in by default (:data:`HAS_BOUND`); a
    build with ``--no-default-features`` raises :class:`BoundError` saying so.
    """
    if not HAS_BOUND:
        raise BoundError(
            "itsa was built without the `bound` feature (built with --no-default-features): "
            "reinstall with the default features, `pip install .` at the repository's root"
        )
    claim_text = None if claim is None else str(claim)
    data, text, proof = _itsa.bound(
        model, _model_params(params, "bound"), minimize, restrict, claim_text, bool(shorten)
    )
    return BoundReport(json.loads(data), text, proof)
