"""Write docs/itsa.ipynb from the cells below, executed (outputs stored), so that the notebook
in the repository shows what it computes. CI re-executes it (ci/python.sh) without writing.

    python python/tools/make_notebook.py          # needs nbformat, nbclient, ipykernel
"""

from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]

md = nbformat.v4.new_markdown_cell
code = nbformat.v4.new_code_cell

cells = [
    md(
        "# itsa from Python\n\n"
        "itsa verifies linear secure-aggregation schemes over F_p exactly and exhaustively: every\n"
        "entropy is a matrix rank, so every correctness and security condition is a rank identity,\n"
        "checked for every dropout, link-failure and collusion pattern the model allows. This\n"
        "notebook calls the Rust engine in-process through the `itsa` Python package\n"
        "(`pip install .` at the repository's root, see docs/python.md). Every result is the JSON of the command\n"
        "line's `--json`, as a dict, and displays itself as a table."
    ),
    code(
        "import os\n"
        "from pathlib import Path\n"
        "import itsa\n\n"
        "# work from the repository's root (this notebook lives in docs/), so specs/ is at hand\n"
        "if not Path('specs').is_dir() and Path('../specs').is_dir():\n"
        "    os.chdir('..')\n"
        "SPECS = Path('specs')\n"
        "itsa.__version__, itsa.HAS_BOUND"
    ),
    md(
        "## A paper's scheme, verified\n\n"
        "The hierarchical scheme of Weng et al. (K = 5 clients and relays, each client connected\n"
        "to d = 3 relays, s = 1 relay link may fail, over F_13), with the one coefficient of the\n"
        "printed example corrected (see the spec's comments):"
    ),
    code("ok = itsa.verify(SPECS / 'weng-seed003-corrected.toml')\nok"),
    code("ok['verdict'], ok['checks'], [(f['name'], f['failures']) for f in ok['families']]"),
    md(
        "## The same example as printed: violated, with its witness\n\n"
        "Typed exactly as printed, the client message X[1,2] has coefficient 3 where the\n"
        "decoding matrices need 10. itsa reports which relay sets cannot decode the sum and which\n"
        "combination of the relays' messages leaks an input to the server:"
    ),
    code("bad = itsa.verify(SPECS / 'weng-seed003-printed.toml', max_failures=2)\nbad"),
    code(
        "leak = bad.family('server-security')['examples'][0]\n"
        "print(leak['sets'])\n"
        "w = leak['witnesses'][0]\n"
        "# the witness: a combination of the relays' messages in which the keys cancel; plus\n"
        "# what the server may know (the sum), it equals an input symbol\n"
        "print(w['expression'], '+', f\"({w['known_expression']})\", '=', w['reveals'])"
    ),
    md(
        "## Asking \"what if\": override a parameter\n\n"
        "Zhao–Sun Example 1 is designed for T = 0 colluders. Keyword arguments override the\n"
        "spec's `[params]` without editing the file (`min_survivors` means `min-survivors`);\n"
        "`report.overridden` records what was overridden. Against one colluder the noise-free design leaks:"
    ),
    code(
        "t1 = itsa.verify(SPECS / 'zhao-sun-example1.toml', colluders=1, max_failures=1)\n"
        "t1['verdict'], t1.overridden, t1.family('security')['failures']"
    ),
    md(
        "## A rate region, exactly\n\n"
        "The optimal region of two-round secure aggregation with dropouts (Zhao & Sun) at\n"
        "K = 4 users, U = 3 survivors per round and T = 1 colluder. Values are exact rationals\n"
        "(strings in the JSON, `Fraction`s in `.values`):"
    ),
    code("g = itsa.region('dropout', users=4, min_survivors=3, colluders=1)\ng"),
    code("g.values"),
    code(
        "# R2 = 1/(U - T) for U > T: a sweep in plain Python\n"
        "{t: itsa.region('dropout', users=8, min_survivors=6, colluders=t).values.get('R2') for t in range(0, 7)}"
    ),
    md(
        "## A construction that meets it\n\n"
        "`construct` builds the paper's optimal scheme for given parameters, verifies it and\n"
        "returns the report with the spec text; its achieved rates sit on the region's corner:"
    ),
    code(
        "c = itsa.construct('dropout', users=4, min_survivors=3, colluders=1)\n"
        "[(ln['name'], ln['achieved'], ln['optimal'], ln['status']) for ln in c['rates']['lines']]"
    ),
    code("print(c.spec[:400])"),
    md(
        "## Errors point into the spec\n\n"
        "A spec with a mistake raises `itsa.SpecError` with the file, line and column:"
    ),
    code(
        "text = (SPECS / 'zhao-sun-example1.toml').read_text().replace('\"X[1]\" = \"', '\"X[1]\" = \"* ', 1)\n"
        "try:\n"
        "    itsa.verify(text, name='my-spec.toml')\n"
        "except itsa.SpecError as e:\n"
        "    print(e)\n"
        "    print(e.snippet)\n"
        "    print((e.line, e.col))"
    ),
]

nb = nbformat.v4.new_notebook(cells=cells)
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nb.metadata["language_info"] = {"name": "python"}
NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "docs")}}).execute()
# Timings differ run to run; keep the stored notebook stable.
for cell in nb.cells:
    if cell.get("metadata"):
        cell["metadata"].pop("execution", None)
nbformat.write(nb, ROOT / "docs" / "itsa.ipynb")
print("wrote", ROOT / "docs" / "itsa.ipynb")
