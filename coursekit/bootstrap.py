"""Create the project's virtual environment; standard library only.

``python3 -m coursekit <command>`` starts here with whatever Python the user
has (3.11 or newer), makes ``.venv`` if needed, installs the project into it
when ``pyproject.toml`` changed since the last install, and then runs the
command again inside ``.venv``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
STAMP = VENV / ".nnfs-installed"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def in_venv() -> bool:
    """True when this interpreter is the project's ``.venv``."""
    return Path(sys.prefix).resolve() == VENV.resolve()


def _wanted() -> str:
    """Fingerprint of what should be installed: the project's metadata."""
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


#: Debian packages the kit needs: the grading sandbox (bwrap). Installed by set-up
#: when it runs as root on a machine with apt-get; elsewhere the README says how.
SYSTEM_PACKAGES = {"bwrap": "bubblewrap"}


def ensure_system_packages() -> None:
    """Install the missing :data:`SYSTEM_PACKAGES` with apt-get when we can (root, Debian/Ubuntu)."""
    missing = [pkg for command, pkg in SYSTEM_PACKAGES.items() if shutil.which(command) is None]
    if not missing or os.name == "nt" or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return
    print(f"Installing system packages: {' '.join(missing)} ...", flush=True)
    quiet = {"stdout": subprocess.DEVNULL, "env": dict(os.environ, DEBIAN_FRONTEND="noninteractive")}
    if subprocess.run(["apt-get", "install", "-y", "-q", *missing], **quiet).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], **quiet)
        if subprocess.run(["apt-get", "install", "-y", "-q", *missing], **quiet).returncode != 0:
            print(f"Could not install {' '.join(missing)}; grading will refuse to run without it.", flush=True)


def ensure_venv() -> None:
    """Create ``.venv`` and install the project with its extras, if stale."""
    if sys.version_info < (3, 11):  # noqa: UP036 (this runs on whatever python3 the user has)
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print(f"Creating {VENV.relative_to(ROOT)} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == _wanted():
        return
    print("Installing the course's packages into .venv (about a minute) ...", flush=True)
    cmd = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", ".[dev]"]
    result = subprocess.run(cmd, cwd=ROOT)
    if result.returncode != 0:
        sys.exit(
            "Installing the packages failed (see pip's message above). pip needs to reach "
            "the Python package index once; after that everything works offline."
        )
    STAMP.write_text(_wanted())


def reexec_in_venv(argv: list[str]) -> None:
    """Set up ``.venv`` and replace this process by the same command inside it."""
    ensure_system_packages()
    ensure_venv()
    os.chdir(ROOT)
    # What `source .venv/bin/activate` does: nbgrader runs tools (alembic) from PATH.
    os.environ["PATH"] = os.pathsep.join([str(BIN), os.environ.get("PATH", "")])
    os.environ["VIRTUAL_ENV"] = str(VENV)
    os.execv(str(PYTHON), [str(PYTHON), "-m", "coursekit", *argv])
