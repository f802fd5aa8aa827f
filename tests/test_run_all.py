"""Run All on a fresh chapter: the learner's first experience, before any exercise is done.

Each chapter page of ``chapters/`` runs top to bottom in a kernel that imports
the learners' ``nnlib`` (every exercise still a stub), as Run All does in
JupyterLab. Nothing may stop it: check cells print their FAIL report without
raising, cells that need an unfinished function say which exercise to finish
(one line, no traceback), and no later cell fails with a NameError.
"""

from pathlib import Path

import jupytext
import nbclient
import pytest

from nnlib.exercises import CHAPTERS

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.book
PAGES = [ch for ch in CHAPTERS if (ROOT / "chapters" / f"{ch.page}.md").is_file()]


@pytest.mark.parametrize("chapter", PAGES, ids=lambda ch: ch.page)
def test_run_all_reaches_the_end_with_the_stubs(chapter, monkeypatch):
    """Does every cell of a fresh chapter run, with a one-line hint wherever an exercise is missing?"""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the learners' nnlib/ (stubs), not solutions/
    page = ROOT / "chapters" / f"{chapter.page}.md"
    notebook = jupytext.read(page)
    client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=False,
                                     resources={"metadata": {"path": str(page.parent)}})
    client.execute()  # raises CellExecutionError at the first cell that fails
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.get("execution_count") for cell in code), "a cell did not run"
    outputs = [o for cell in code for o in cell.outputs]
    assert not [o for o in outputs if o["output_type"] == "error"]
    text = "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")
    assert "Traceback" not in text
    checks = [cell for cell in code if 'check("' in cell.source]
    for cell in checks:  # every check cell printed its report, failing, without raising
        report = "".join(o.get("text", "") for o in cell.outputs)
        assert "visible checks passed" in report and "FAIL" in report, cell.source
    hints = [line for line in text.splitlines() if "first, then run" in line]
    assert all(f"finish exercise {chapter.number}." in line or "finish exercise" in line for line in hints)


def test_only_unfinished_exercises_are_passed_over():
    """Does a stub's error become a one-line hint (and a NameError it caused too), while a typo's
    NameError and any other error still stop Run All?"""
    from nbformat.v4 import new_code_cell, new_notebook

    stub = 'raise NotImplementedError("Exercise 2.5: implement softmax (chapter 2, section \'Softmax\')")'
    cells = ["import nnlib", f"def softmax(z):\n    {stub}\nprobs = softmax(1)", "print(probs)", "typo_name"]
    notebook = new_notebook(cells=[new_code_cell(source) for source in cells])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = nbclient.NotebookClient(notebook, timeout=60, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT)}})
    with pytest.raises(nbclient.exceptions.CellExecutionError, match="typo_name"):
        client.execute()
    hint, cascade = ("".join(o.get("text", "") for o in cell.outputs) for cell in notebook.cells[1:3])
    assert hint.strip() == ("This cell needs exercise 2.5 (softmax in nnlib/neurons.py): finish exercise 2.5 "
                            "first, then run this cell again.")
    assert "`probs`" in cascade and "finish exercise 2.5" in cascade
