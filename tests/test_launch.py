"""The launch route: a chapter's launch URL opens a runnable notebook in JupyterLab.

JupyterLab starts headless with exactly the settings Binder gets (binder/jupyter,
copied into the environment by binder/postBuild and into .venv by set-up), on a
copy of the learners' chapters and with the learners' nnlib (the stubs). Chromium
opens the chapter's URL, as the rocket button does (``lab/tree/chapters/...md``),
and finds a notebook with cells and a kernel, no nbgrader instructor tools, and
Run All going through to the last cell.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: The notebook in JupyterLab's main area (the app is exposed with --LabApp.expose_app_in_browser).
PANEL = "window.jupyterapp.shell.currentWidget"
LEARNER = ROOT / "binder" / "jupyter"
pytestmark = pytest.mark.book


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 with the learners' settings; yields (base URL, token)."""
    tmp = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "chapters", tmp / "work" / "chapters")
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp / "config"),  # no personal settings
        JUPYTER_CONFIG_PATH=str(LEARNER / "etc" / "jupyter"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp / "user-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
    )
    env.pop("PYTHONPATH", None)  # the kernel imports the learners' nnlib (the stubs)
    cmd = [
        str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser", f"--ServerApp.port={port}",
        "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp / 'work'}",
        f"--LabApp.app_settings_dir={LEARNER / 'share' / 'jupyter' / 'lab' / 'settings'}",
        "--LabApp.expose_app_in_browser=True", "--allow-root",
    ]
    log = (tmp / "lab.log").open("w")
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}api/status?token={token}", timeout=5) as reply:
                    json.load(reply)
                break
            except OSError:
                assert server.poll() is None, (tmp / "lab.log").read_text()
                assert time.monotonic() < deadline, "JupyterLab did not start: " + (tmp / "lab.log").read_text()
                time.sleep(0.5)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_launch_url_opens_a_runnable_notebook(lab, browser):
    """Does lab/tree/chapters/02_neuron.md open as a notebook (cells, kernel), Run All reach the end,
    and nbgrader's instructor tools stay hidden?"""
    base, token = lab
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{base}lab/tree/chapters/02_neuron.md?token={token}")
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-CodeCell").first.wait_for(timeout=90_000)
        assert page.locator(".jp-FileEditor").count() == 0, "the chapter opened as a text file"
        page.wait_for_function(f"() => {{ const w = {PANEL}; return w && w.sessionContext.session"
                               " && w.sessionContext.session.kernel"
                               " && w.sessionContext.session.kernel.status === 'idle'; }", timeout=90_000)
        cells = page.evaluate(f"() => {PANEL}.content.model.sharedModel.cells.map(c => c.cell_type)")
        assert cells.count("code") > 10 and cells.count("markdown") > 10, cells
        menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
        assert not [m for m in menus if "nbgrader" in m.lower()], menus
        commands = page.evaluate("() => window.jupyterapp.commands.listCommands()")
        instructor = ("nbgrader:open-formgrader", "nbgrader:open-course-list", "nbgrader:open-create-assignment")
        assert not [c for c in commands if c.startswith(instructor)], commands
        assert "nbgrader:open-assignment-list" in commands  # students still fetch and submit

        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        # Run All reached the end: the last code cell has an execution count.
        last = f"{PANEL}.content.model.sharedModel.cells.filter(c => c.cell_type === 'code').slice(-1)[0]"
        page.wait_for_function(f"() => {last}.execution_count > 0", timeout=120_000)
        outputs = page.evaluate(f"() => {PANEL}.content.model.sharedModel.cells"
                                ".filter(c => c.cell_type === 'code').map(c => c.toJSON().outputs)")
    finally:
        context.close()
    errors = [o for cell in outputs for o in cell if o["output_type"] == "error"]
    assert errors == [], errors
    texts = "".join(str(o.get("text", "")) for cell in outputs for o in cell)
    assert "finish exercise 2." in texts  # a cell needing an unfinished function said so
    assert "visible checks passed" in texts  # and the check cells printed their reports
