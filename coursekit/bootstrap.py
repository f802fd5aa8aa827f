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


#: Debian packages the kit needs, by the command each provides: the grading sandbox
#: (bwrap), npm (fetches the website's browser libraries, see WEB_ASSETS) and the
#: headless browser the website and JupyterLab tests use. Installed by set-up when it
#: runs as root on a machine with apt-get; elsewhere the README says how.
SYSTEM_PACKAGES = {
    "bwrap": "bubblewrap",
    "npm": "npm",
    "chromium": "chromium",
    "chromedriver": "chromium-driver",
}

#: Browser libraries the website serves itself (offline readers and school filters
#: that block public CDNs): npm package, version, and the paths kept from it, copied
#: to WEB_DIR/vendor/<name>/. The book build only reads them; nothing is downloaded then.
WEB_ASSETS = {
    "mathjax": ("mathjax", "3.2.2", "es5", ["sre", "mml-chtml.js", "mml-svg.js", "tex-chtml-full-speech.js",
                                           "tex-chtml-full.js", "tex-chtml.js", "tex-mml-svg.js", "tex-svg-full.js",
                                           "tex-svg.js", "output/svg", "output/svg.js", "node-main.js"]),
    "requirejs": ("requirejs", "2.3.8", "", ["bin", "README.md", "package.json"]),
    "html-manager": ("@jupyter-widgets/html-manager", "1.0.15", "dist", ["embed.js", "embed.js.map"]),
}
#: Where set-up puts WEB_ASSETS; the book's Sphinx extension serves it as _static/.
WEB_DIR = VENV / "share" / "nnfs-web"
#: Jupyter settings for learners (notebook view for chapters, no nbgrader instructor
#: tools): the same files Binder's postBuild copies into its environment.
LEARNER_JUPYTER = ROOT / "binder" / "jupyter"


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


def _web_stamp() -> str:
    return repr(sorted(WEB_ASSETS.items()))


def web_assets_ready(web_dir: Path = WEB_DIR) -> bool:
    """True when the website's browser libraries are installed (see :data:`WEB_ASSETS`)."""
    stamp = web_dir / ".installed"
    return stamp.exists() and stamp.read_text() == _web_stamp()


def ensure_web_assets(web_dir: Path = WEB_DIR) -> None:
    """Fetch :data:`WEB_ASSETS` from the npm registry with ``npm pack``, once."""
    import tarfile
    import tempfile

    if web_assets_ready(web_dir):
        return
    npm = shutil.which("npm")
    if npm is None:
        print("npm was not found: install Node.js (npm), then run `python3 -m coursekit setup` again, "
              "so that the website can serve MathJax and the widget manager itself.", flush=True)
        return
    print("Fetching the website's browser libraries (MathJax, require.js, widget manager) with npm ...",
          flush=True)
    vendor = web_dir / "vendor"
    with tempfile.TemporaryDirectory() as tmp:
        for name, (package, version, keep, drop) in WEB_ASSETS.items():
            result = subprocess.run([npm, "pack", f"{package}@{version}", "--silent", "--pack-destination", tmp],
                                    capture_output=True, text=True, cwd=tmp)
            if result.returncode != 0:
                sys.exit(f"npm could not fetch {package}@{version}:\n{result.stderr.strip()}")
            tarball = Path(tmp) / result.stdout.strip().splitlines()[-1]
            unpacked = Path(tmp) / name
            with tarfile.open(tarball) as archive:
                archive.extractall(unpacked, filter="data")
            source = unpacked / "package" / keep
            for rel in drop:
                path = source / rel
                shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
            shutil.rmtree(vendor / name, ignore_errors=True)
            shutil.copytree(source, vendor / name)
    (web_dir / ".installed").write_text(_web_stamp())


def install_learner_jupyter(prefix: Path = VENV) -> None:
    """Copy the learners' Jupyter settings (:data:`LEARNER_JUPYTER`) into ``prefix``."""
    for path in sorted(LEARNER_JUPYTER.rglob("*")):
        if path.is_file():
            target = prefix / path.relative_to(LEARNER_JUPYTER)
            if not target.exists() or target.read_bytes() != path.read_bytes():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)


def ensure_venv() -> None:
    """Create ``.venv`` and install the project with its extras, if stale."""
    if sys.version_info < (3, 11):  # noqa: UP036 (this runs on whatever python3 the user has)
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print(f"Creating {VENV.relative_to(ROOT)} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if STAMP.exists() and STAMP.read_text() == _wanted():
        return
    print("Installing the course's packages into .venv (a few minutes the first time; pip lists each "
          "package as it goes) ...", flush=True)
    cmd = [str(PYTHON), "-m", "pip", "install", "--progress-bar", "off", "--disable-pip-version-check",
           "-e", ".[dev]"]
    # Progress without the noise: one line per package fetched, then the summary.
    with subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True) as pip:
        for line in pip.stdout:
            if line.startswith(("Collecting", "Building", "Installing collected", "Successfully", "ERROR")):
                print(f"  {line.rstrip()[:100]}", flush=True)
    result = pip
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
    ensure_web_assets()
    install_learner_jupyter()
    os.chdir(ROOT)
    # What `source .venv/bin/activate` does: nbgrader runs tools (alembic) from PATH.
    os.environ["PATH"] = os.pathsep.join([str(BIN), os.environ.get("PATH", "")])
    os.environ["VIRTUAL_ENV"] = str(VENV)
    os.execv(str(PYTHON), [str(PYTHON), "-m", "coursekit", *argv])
