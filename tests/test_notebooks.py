"""The notebooks: each runs top to bottom in a fresh kernel, draws a figure, and matches its .py pair.

Every ``notebooks/*.ipynb`` is executed with nbclient in the venv's ``python3``
kernel, offline, with progress bars off. The kernel draws with the inline
backend, which is as headless as Agg but emits the ``image/png`` outputs that
the test looks for (under plain Agg, ``plt.show()`` would show nothing).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NB_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NB_DIR.glob("*.ipynb"))
INLINE = "module://matplotlib_inline.backend_inline"
# Paths a notebook run may create: its own output folder and Python's caches.
ALLOWED = ("notebooks/output", "__pycache__", ".pytest_cache", ".hypothesis", ".ipynb_checkpoints")


def _ids(p: Path) -> str:
    return p.stem


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 4, f"expected at least four notebooks in {NB_DIR}, found {len(NOTEBOOKS)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_pair_in_sync_and_without_outputs(path):
    jupytext = pytest.importorskip("jupytext")
    py = path.with_suffix(".py")
    assert py.is_file(), f"{path.name} has no paired percent script {py.name}"
    nb = jupytext.read(path)
    script = jupytext.read(py)
    assert "py:percent" in nb.metadata.get("jupytext", {}).get("formats", "")
    assert [(c.cell_type, c.source) for c in nb.cells] == [(c.cell_type, c.source) for c in script.cells], (
        f"{path.name} and {py.name} differ: run `jupytext --sync {path.relative_to(ROOT)}`")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, f"{path.name} has no code cell"
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), (
        f"{path.name} is committed with outputs: run `jupyter nbconvert --clear-output --inplace {path.name}`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_notebook_defines_no_helpers(path):
    """Notebooks are thin: anything reusable belongs in the package."""
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            assert not re.match(r"\s*(async\s+)?(def|class)\s", line), f"{path.name} defines a helper: {line.strip()}"


def _new_paths() -> set[str]:
    """Untracked and ignored paths git sees (directories collapsed), minus the allowed ones."""
    res = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=ROOT, capture_output=True, text=True)
    if res.returncode != 0:
        return set()
    paths = {line[3:].strip() for line in res.stdout.splitlines() if line[:2] in ("??", "!!")}
    return {p for p in paths if not any(a in p for a in ALLOWED)}


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_notebook_runs(path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("FRAMING_PROGRESS", "0")
    monkeypatch.setenv("MPLBACKEND", INLINE)
    git = shutil.which("git") is not None and (ROOT / ".git").exists()
    before = _new_paths() if git else set()

    nb = nbformat.read(path, as_version=4)
    # The test's own last cell: which environment did the kernel run in?
    nb.cells.append(nbformat.v4.new_code_cell("import sys; print(sys.prefix)"))
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=600,
                                     resources={"metadata": {"path": str(NB_DIR)}})
    client.execute()  # raises CellExecutionError, naming the cell, on any error

    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), f"{path.name} drew no figure"
    kernel_prefix = "".join(o.get("text", "") for o in nb.cells[-1].outputs).strip()
    assert Path(kernel_prefix).resolve() == Path(sys.prefix).resolve(), (
        f"the notebook kernel ran in {kernel_prefix}, not in this environment ({sys.prefix}); "
        "install ipykernel in it")

    if git:
        created = _new_paths() - before
        assert not created, f"{path.name} wrote outside notebooks/output/: {sorted(created)}"


def test_the_trust_box_of_notebook_01_quotes_the_readme_s_figures():
    """The box's figures are copies of the README's measured ones: a README update that changes them must
    change the notebook too."""
    root = Path(__file__).resolve().parents[1]
    nb = (root / "notebooks" / "01-quick-start.py").read_text(encoding="utf-8")
    box = nb.split("# ### How far to trust these numbers")[1].split("# %%")[0]
    figures = re.findall(r"\d\.\d\d", box)
    assert len(figures) >= 5
    readme = (root / "README.md").read_text(encoding="utf-8")
    measured = readme.split("## How accurate is it")[1].split("\n## ")[0]
    assert [f for f in figures if f not in measured] == []
