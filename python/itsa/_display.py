"""Rich display of itsa results in Jupyter: HTML and Markdown renderings of the JSON."""

from __future__ import annotations

from html import escape
from typing import Any, Iterable, List, Mapping, Sequence

_GREEN = "#1a7f37"
_RED = "#cf222e"


def _e(x: Any) -> str:
    return escape("" if x is None else str(x))


def _sets(sets: Iterable[Mapping[str, Any]]) -> str:
    return ", ".join(f"{s['name']} = {{{','.join(str(m) for m in s['members'])}}}" for s in sets)


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]], raw: bool = False) -> str:
    head = "".join(f"<th style='text-align:left'>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td style='text-align:left'>{c if raw else _e(c)}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _md_cell(x: Any) -> str:
    return ("" if x is None else str(x)).replace("|", "\\|").replace("\n", " ")


def _md_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _example_lines(ex: Mapping[str, Any]) -> List[str]:
    """What a failure is, in words: the sets, then each witness or missing target."""
    out = []
    if ex["kind"] == "not-decodable":
        for m in ex.get("missing", []):
            out.append(f"cannot decode {m['target']} (residual {m['residual']})")
        if not ex.get("missing"):
            out.append(f"not decodable (rank deficit {ex.get('rank_deficit')})")
    else:
        if ex.get("leak_dimension"):
            out.append(f"leaks {ex['leak_dimension']} symbol(s)")
        for w in ex.get("witnesses", []):
            # as the CLI prints it: witness + what the adversary may know = what it learns
            line = f"witness {w['expression']}"
            if w.get("known_expression"):
                line += f" + ({w['known_expression']})"
            line += f" = {w['reveals']}" if w.get("reveals") else ""
            out.append(line)
        if not ex.get("witnesses"):
            out.append(f"{ex['kind']} (dimension {ex.get('leak_dimension')})")
    return out


def _params(r: Mapping[str, Any]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in (r.get("params") or {}).items())


def report_html(r: Mapping[str, Any]) -> str:
    ok = r["verdict"] == "verified" and not (r.get("rates") or {}).get("alarm")
    colour = _GREEN if ok else _RED
    title = r.get("title") or r.get("file", "")
    parts = [
        f"<div class='itsa-report'><p><b style='color:{colour}'>{_e(r['verdict'].upper())}</b> "
        f"&nbsp;{_e(title)}</p>",
        f"<p>model <code>{_e(r.get('model'))}</code> ({_e(_params(r))}), F<sub>{_e(r.get('prime'))}</sub>, "
        f"input length {_e(r.get('input_length'))}; {r['checks']} checks, {r['failures']} failed, "
        f"{r.get('elapsed_seconds', 0):.3f} s</p>",
    ]
    overridden = getattr(r, "overridden", None)
    if overridden:
        ov = ", ".join(overridden)
        parts.append(f"<p>parameters overridden: {_e(ov)}</p>")
    rows = []
    for f in r["families"]:
        mark = f"<span style='color:{_GREEN if f['failures'] == 0 else _RED}'>{f['failures']}</span>"
        rows.append([_e(f["name"]), _e(f["description"]), str(f["checks"]), mark])
    parts.append(_table(["family", "condition", "checks", "failed"], rows, raw=True))
    for f in r["families"]:
        if not f["examples"]:
            continue
        shown = len(f["examples"])
        parts.append(f"<p><b>{_e(f['name'])}</b>: {f['failures']} failed (first {shown})</p><ul>")
        for ex in f["examples"]:
            what = "; ".join(_example_lines(ex))
            parts.append(f"<li>{_e(_sets(ex['sets']))}: {_e(what)}</li>")
        parts.append("</ul>")
    rates = r.get("rates")
    if rates:
        rrows = [
            [ln["name"], ln["achieved"], ln["optimal"], ln["status"], ln.get("reference", "")]
            for ln in rates.get("lines", [])
        ]
        parts.append(_table(["rate", "achieved", "optimal", "status", "reference"], rrows))
        for n in rates.get("notes", []):
            parts.append(f"<p><i>{_e(n)}</i></p>")
        if rates.get("alarm"):
            parts.append(f"<p style='color:{_RED}'><b>ALARM: achieved rates contradict the model's converse</b></p>")
    parts.append("</div>")
    return "".join(parts)


def report_markdown(r: Mapping[str, Any]) -> str:
    title = r.get("title") or r.get("file", "")
    lines = [
        f"**{r['verdict'].upper()}** — {title}",
        "",
        f"model `{r.get('model')}` ({_params(r)}), F_{r.get('prime')}, input length "
        f"{r.get('input_length')}; {r['checks']} checks, {r['failures']} failed",
        "",
    ]
    overridden = getattr(r, "overridden", None)
    if overridden:
        ov = ", ".join(overridden)
        lines += [f"parameters overridden: {ov}", ""]
    lines += [
        _md_table(
            ["family", "condition", "checks", "failed"],
            [[f["name"], f["description"], f["checks"], f["failures"]] for f in r["families"]],
        ),
    ]
    for f in r["families"]:
        if f["examples"]:
            lines += ["", f"**{f['name']}**: {f['failures']} failed (first {len(f['examples'])})", ""]
            lines += [f"- {_sets(ex['sets'])}: {'; '.join(_example_lines(ex))}" for ex in f["examples"]]
    rates = r.get("rates")
    if rates:
        lines += [
            "",
            _md_table(
                ["rate", "achieved", "optimal", "status"],
                [[ln["name"], ln["achieved"], ln["optimal"], ln["status"]] for ln in rates.get("lines", [])],
            ),
        ]
    return "\n".join(lines) + "\n"


def region_html(g: Mapping[str, Any]) -> str:
    head = f"<p><b>{_e(g.get('title'))}</b> (<code>{_e(g.get('model'))}</code>; {_e(_params(g))})</p>"
    if g.get("status") != "feasible":
        return head + f"<p style='color:{_RED}'><b>{_e(g.get('status'))}</b>: {_e(g.get('reason'))}</p>"
    rows = []
    for b in g.get("bounds", []):
        factor = b.get("factor")
        value = b["value"] + (f" × {factor['symbolic']}" if factor else "")
        rows.append([b["name"], "≥ " + value, b.get("expression", ""), b.get("reference", "")])
    notes = "".join(f"<p><i>{_e(n)}</i></p>" for n in g.get("notes", []))
    return head + _table(["rate", "bound", "formula", "reference"], rows) + notes


def region_markdown(g: Mapping[str, Any]) -> str:
    head = f"**{g.get('title')}** (`{g.get('model')}`; {_params(g)})\n\n"
    if g.get("status") != "feasible":
        return head + f"**{g.get('status')}**: {g.get('reason')}\n"
    latex = getattr(g, "latex", "")
    body = _md_table(
        ["rate", "bound", "formula"],
        [
            [
                b["name"],
                "≥ " + b["value"] + (f" × {b['factor']['symbolic']}" if b.get("factor") else ""),
                b.get("expression", ""),
            ]
            for b in g.get("bounds", [])
        ],
    )
    math = _display_math(latex)
    return head + body + ("\n\n" + math if math else "") + "\n"


def _display_math(latex: str) -> str:
    """`itsa region --latex` (comment lines, then \\[ … \\]) as Markdown display math."""
    lines = [ln for ln in latex.splitlines() if not ln.lstrip().startswith("%")]
    text = "\n".join(lines).strip()
    if text.startswith("\\[") and text.endswith("\\]"):
        text = text[2:-2].strip()
    return f"$$\n{text}\n$$" if text else ""


def bound_html(b: Mapping[str, Any]) -> str:
    ok = b.get("status") == "proved"
    colour = _GREEN if ok else _RED
    head = (
        f"<p><b style='color:{colour}'>{_e(str(b.get('status', '')).upper())}</b> "
        f"{_e(b.get('objective'))} ≥ {_e(b.get('bound'))} ({_e(b.get('model'))})</p>"
    )
    proof = getattr(b, "proof", "")
    return head + (f"<pre>{_e(proof)}</pre>" if proof else "")
