"""The benchmarks run without PyTorch and end with the lines their docstrings promise.

Each script in ``benchmarks/`` runs once, as a reader runs it (``python
benchmarks/NAME.py`` from the repository root), in its smallest configuration,
with PyTorch made impossible to import: a ``torch`` package that raises
ImportError stands first on PYTHONPATH (CI's environment has no PyTorch; this
one may). Only the exit status and the format of the final lines are checked,
never a time or a ratio's value.

``benchmarks/grading.py`` is only asked for ``--help`` (its options parse and
every module it imports loads without PyTorch): even one submission costs two
``nbgrader generate_assignment`` runs, a kernel and the sandbox, over 30 s of
CPU. The project's command it times (``coursekit autograde --jobs N``) is run
end to end by tests/test_grading.py; the benchmark's own comparison of the two
graders is not run by any test.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

NUMBER = r"-?\d+\.\d+"
NO_TORCH = r"ratio nnlib/pytorch = n/a( \(PyTorch is not installed: pip install torch\S*\))?"

#: script, its arguments for a quick run, and a pattern for each of its last lines (in order).
QUICK = {
    # conv_layer.py is not edited here: its existing options, and only its final two lines.
    "conv_layer": (["--repeats", "1", "--naive-batch", "1", "--threads", "1"],
                   [r"ratio fast/naive = \d+", NO_TORCH]),
    "lstm_layer": (["--repeats", "1", "--threads", "1"], [NO_TORCH]),
    "attention": (["--N", "2", "--T", "4", "--E", "8", "--heads", "2", "--repeats", "1", "--rounds", "1",
                   "--threads", "1"], [NO_TORCH]),
    "mlp_epoch": (["--samples", "256", "--repeats", "1", "--peak-size", "256", "--threads", "1"],
                  [r"cost of nnlib's functions over the bare loop: [+-]\d+%", NO_TORCH]),
    "vae_torch": (["--epochs", "1"], [NO_TORCH]),
}


@pytest.fixture(scope="module")
def no_torch_env(tmp_path_factory) -> dict[str, str]:
    """The environment of a machine without PyTorch: ``import torch`` raises ImportError."""
    blocker = tmp_path_factory.mktemp("no-torch")
    (blocker / "torch").mkdir()
    (blocker / "torch" / "__init__.py").write_text('raise ImportError("PyTorch is hidden from this test")\n')
    env = dict(os.environ, PYTHONPATH=str(blocker))
    probe = subprocess.run([sys.executable, "-c", "import torch"], env=env, capture_output=True, text=True)
    assert probe.returncode != 0 and "PyTorch is hidden from this test" in probe.stderr, "the blocker does not work"
    return env


def run(script: str, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """``python benchmarks/SCRIPT.py ARGS`` from the repository root; fails unless it exits 0."""
    result = subprocess.run([sys.executable, f"benchmarks/{script}.py", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{script}.py exited with {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


def assert_ends_with(stdout: str, patterns: list[str]) -> None:
    """The last ``len(patterns)`` lines of ``stdout`` match ``patterns``, each as a whole line."""
    lines = stdout.rstrip("\n").splitlines()[-len(patterns):]
    assert len(lines) == len(patterns), f"too few lines:\n{stdout}"
    for line, pattern in zip(lines, patterns, strict=True):
        assert re.fullmatch(pattern, line), f"{line!r} is not {pattern!r}; the output was:\n{stdout}"


@pytest.mark.parametrize("script", sorted(QUICK))
def test_a_speed_benchmark_runs_without_pytorch_and_prints_its_ratios(script, no_torch_env):
    """Does the script, quick and without PyTorch, exit 0 with its documented final lines?"""
    args, patterns = QUICK[script]
    assert_ends_with(run(script, args, no_torch_env).stdout, patterns)


@pytest.mark.cluster
def test_the_cluster_benchmark_runs_small_without_pytorch(no_torch_env):
    """Two submissions, one local process and one Dask worker: the same verdicts both ways, then the ratio?"""
    pytest.importorskip("distributed")
    out = run("grading_cluster", ["--submissions", "2", "--workers", "1"], no_torch_env).stdout
    assert_ends_with(out, ["verdicts identical", r"\{.*\}", rf"ratio dask/local = {NUMBER}"])
    assert re.search(rf"^local pool: +{NUMBER} s", out, re.M) and re.search(rf"^Dask cluster: +{NUMBER} s", out, re.M)


def test_the_grading_benchmark_parses_its_options_without_pytorch(no_torch_env):
    """Does grading.py load everything it imports and offer its options (see the module docstring for why no run)?"""
    out = run("grading", ["--help"], no_torch_env).stdout
    assert "--submissions" in out and "--jobs" in out and "--seed" in out
