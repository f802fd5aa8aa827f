"""Sphinx extension for the course website (``sphinx.extra_extensions`` in ``_config.yml``).

- **Self-contained pages.** MathJax, require.js and the widget manager are
  served from the site: set-up puts them in ``.venv/share/nnfs-web``
  (:data:`coursekit.bootstrap.WEB_ASSETS`), and this extension adds that
  folder to the static files, so ``_config.yml`` can name them relative to
  ``_static/``. The build downloads nothing and stops when they are missing.
- **An execution cache keyed on the library.** Pages execute against the
  reference ``nnlib`` (``solutions/nnlib``, and the files without solutions it
  finds in ``nnlib/``: demos, checks, data loaders), which jupyter-cache does
  not see. The cache folder is named after a hash of both folders (and of the
  packages the pages use), and a changed hash makes Sphinx re-read every page:
  a rebuild with no change executes nothing; a change to the library (a
  reference module, a demo, a check) re-executes every page.
- **The ``course-chapters`` directive** lists the planned chapters, linking
  the ones in ``_toc.yml`` and marking the others "coming", so the marks
  follow the table of contents with nobody keeping them.
- Page scripts: see :data:`_PAGE_SCRIPT` and :func:`_html_page_context`.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective

from coursekit.bootstrap import WEB_ASSETS, WEB_DIR, web_assets_ready
from coursekit.generate import PACKAGE, REFERENCE, SKIP

#: Packages whose version changes what a page shows.
_PACKAGES = ("numpy", "matplotlib", "ipywidgets", "scikit-learn")


#: The folders of the reference package the pages import (``solutions/nnlib/__init__.py`` joins them).
_LIBRARY = (REFERENCE, PACKAGE)


def library_hash(srcdir: Path) -> str:
    """A short hash of the code the pages import: the reference ``nnlib`` (both folders) and package versions."""
    digest = hashlib.sha256()
    for folder in _LIBRARY:
        library = srcdir / folder
        for path in sorted(library.rglob("*")):
            if path.is_file() and not SKIP & set(path.relative_to(library).parts) and path.suffix != ".pyc":
                rel = f"{folder}/{path.relative_to(library).as_posix()}"
                digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in _PACKAGES:
        try:
            digest.update(f"{name}=={importlib.metadata.version(name)}\0".encode())
        except importlib.metadata.PackageNotFoundError:
            pass
    return digest.hexdigest()[:16]


def _config_inited(app, config) -> None:
    if not web_assets_ready(WEB_DIR):
        raise ExtensionError(
            f"The website's browser libraries ({', '.join(WEB_ASSETS)}) are not installed in {WEB_DIR}: "
            "run `python3 -m coursekit setup` (it fetches them once with npm)."
        )
    config.html_static_path = [*config.html_static_path, str(WEB_DIR)]
    key = library_hash(Path(app.srcdir))
    app.nnfs_library = key
    caches = Path(app.outdir).parent / ".jupyter_cache"
    if caches.is_dir():  # caches of earlier library versions are never used again
        for old in caches.iterdir():
            if old.is_dir() and old.name != key and re.fullmatch(r"[0-9a-f]{16}", old.name):
                shutil.rmtree(old, ignore_errors=True)
    config.nb_execution_cache_path = str(caches / key)


#: Runs first on every page. The widget manager loads its icon fonts from the site (require.js
#: maps its module to _static/vendor/html-manager); and
#: ipywidgets typesets widget labels with MathJax 2's ``MathJax.Hub.Queue``, which MathJax 3
#: does not have: without this stand-in every widget label with maths throws an error.
_PAGE_SCRIPT = """window.__jupyter_widgets_assets_path__ = new URL("%s", document.baseURI).href;
// require.js reads this when it loads; the widget manager finds its fonts beside its module's URL.
var require = {paths: {"@jupyter-widgets/html-manager/dist": window.__jupyter_widgets_assets_path__.slice(0, -1)}};
document.addEventListener("DOMContentLoaded", function () {
  var mj = window.MathJax;
  if (mj && mj.startup && !mj.Hub) {
    mj.Hub = {Queue: function () {
      Array.prototype.forEach.call(arguments, function (job) {
        if (Array.isArray(job) && job[0] === "Typeset" && job[2]) {
          mj.startup.promise = mj.startup.promise.then(function () { return mj.typesetPromise([job[2]]); });
        }
      });
    }};
  }
});"""


def _html_page_context(app, pagename, templatename, context, doctree) -> None:
    """Put :data:`_PAGE_SCRIPT` first and drop scripts added twice.

    Jupyter Book 1 adds thebe's and togglebutton's configuration twice; the second
    ``const THEBE_JS_URL`` is an error in every page.
    """
    from sphinx.builders.html._assets import _JavaScript

    scripts = context.get("script_files")
    if scripts is None:
        return
    assets = context["pathto"]("_static/vendor/html-manager/", 1)
    kept, seen = [_JavaScript("", body=_PAGE_SCRIPT % assets)], set()
    for script in scripts:
        name = getattr(script, "filename", script) or ""  # None or "" for inline scripts
        key = (str(name), repr(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            kept.append(script)
    scripts[:] = kept


def _env_get_outdated(app, env, added, changed, removed) -> list[str]:
    """Every page is outdated when the library changed since the last build."""
    if getattr(env, "nnfs_library", None) == app.nnfs_library:
        return []
    env.nnfs_library = app.nnfs_library
    return sorted(env.found_docs - added - changed)


class CourseChapters(SphinxDirective):
    """A list of planned chapters: a link when the page is in the book, "coming" otherwise.

    Each content line is ``NN Title``; the page is the document ``chapters/NN_*``.
    """

    has_content = True

    def run(self) -> list[nodes.Node]:
        """The list, one item per content line."""
        docs = sorted(self.env.found_docs)
        items = nodes.enumerated_list()
        for line in self.content:
            match = re.fullmatch(r"\s*(\d+)\s+(.+?)\s*", line)
            if not match:
                raise self.error(f"course-chapters: expected 'NN Title', got {line!r}")
            number, title = int(match.group(1)), match.group(2)
            page = next((d for d in docs if re.fullmatch(rf"chapters/{number:02d}_\w+", d)), None)
            paragraph = nodes.paragraph()
            if page:
                ref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget=f"/{page}",
                                            refexplicit=False, refwarn=True)
                ref += nodes.inline(title, title)
                paragraph += ref
            else:
                paragraph += nodes.Text(f"{title} ")
                paragraph += nodes.emphasis("(coming)", "(coming)")
            item = nodes.list_item()
            item += paragraph
            items += item
            items["start"] = items.get("start") or number
        self.env.note_dependency(self.env.relfn2path("/_toc.yml")[1])
        if not any("(coming)" in item.astext() for item in items.children):
            return [items]
        note = nodes.paragraph("", "Chapters marked ")
        note += nodes.emphasis("coming", "coming")
        note += nodes.Text(" are planned and not written yet.")
        return [note, items]


def setup(app):
    """Register the extension's hooks."""
    app.connect("config-inited", _config_inited)
    app.connect("env-get-outdated", _env_get_outdated)
    app.connect("html-page-context", _html_page_context, priority=900)
    app.add_directive("course-chapters", CourseChapters)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
