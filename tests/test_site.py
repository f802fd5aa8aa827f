"""The website as readers get it: headless Chromium with every request outside the site blocked.

The built site (the session's one build, the ``html`` fixture) is served on
127.0.0.1; Debian's Chromium, driven by Playwright, opens every page of
``_toc.yml``. Anything a page needs from elsewhere (a CDN) is refused and
fails the test, as it would behind a school filter or offline.
"""

import http.server
import re
import threading
from functools import partial
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.book


def toc_pages() -> list[str]:
    """Every page of the book, from _toc.yml (root first)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [entry["file"] for entry in part.get("chapters", [])]
    return pages


@pytest.fixture(scope="module")
def site(html):
    """The built site served over HTTP on 127.0.0.1; yields its base URL."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = partial(Quiet, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class Visit:
    """A page opened with only ``base`` reachable; records what went wrong."""

    def __init__(self, browser, base: str):
        self.problems: list[str] = []
        self.context = browser.new_context()
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} ({r.failure})"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.base = base

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base) or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
        else:
            self.problems.append(f"request outside the site: {url}")
            route.abort("blockedbyclient")

    def close(self):
        self.context.close()


#: Runs in the page once MathJax and the widget manager are done; returns what it found.
INSPECT = """() => {
  const main = document.querySelector('main') || document.body;
  const maths = [...main.querySelectorAll('.math')];
  const clone = main.cloneNode(true);
  clone.querySelectorAll('script, style, pre, code, .math, mjx-container, .cell_output, .output')
       .forEach(e => e.remove());
  const views = [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')];
  const imgs = [...main.querySelectorAll('img')];
  return {
    maths: maths.length,
    rendered: maths.filter(m => m.querySelectorAll('mjx-container').length === 1).length,
    raw: maths.filter(m => /\\\\\\(|\\\\\\[/.test(m.textContent)).map(m => m.textContent.slice(0, 60)),
    texErrors: main.querySelectorAll('mjx-merror').length,
    stray: (clone.textContent.match(/.{0,40}(\\$|\\\\\\(|\\\\\\[).{0,40}/gs) || []),
    views: views.length,
    shown: views.filter(v => {
      const prev = v.previousElementSibling;
      return prev && prev.classList.contains('widget-subarea') && prev.querySelector('.lm-Widget, .jupyter-widgets');
    }).length,
    imgs: imgs.length,
    broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80)),
    // widget outputs (drawn by the widget manager) have no alt; their demo's text says what they show
    noAlt: imgs.filter(i => !i.closest('.widget-subarea'))
               .filter(i => !i.alt || /\\.(png|svg|jpe?g)$/.test(i.alt)).map(i => i.src.slice(-40)),
  };
}"""

DONE = """() => (!document.querySelector('.math') || (window.MathJax && MathJax.startup && MathJax.startup.promise)) &&
  [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')].every(v => {
    const prev = v.previousElementSibling;
    return prev && prev.classList.contains('widget-subarea') && prev.querySelector('.lm-Widget, .jupyter-widgets');
  })"""


def open_page(visit: Visit, page: str) -> dict:
    """Open ``page``, wait for MathJax and the widgets, return :data:`INSPECT`'s findings."""
    visit.page.goto(visit.base + page + ".html", wait_until="load")
    try:
        visit.page.wait_for_function(DONE, timeout=30_000)
    except Exception:
        pass  # the assertions below say what is missing
    visit.page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    return visit.page.evaluate(INSPECT)


@pytest.mark.parametrize("page", toc_pages())
def test_page_renders_offline(browser, site, page):
    """With the network blocked, are every formula and widget rendered, every image shown, nothing failed?"""
    visit = Visit(browser, site)
    try:
        found = open_page(visit, page)
    finally:
        visit.close()
    assert visit.problems == [], "\n".join(visit.problems)
    assert found["raw"] == [] and found["texErrors"] == 0, found["raw"]
    assert found["rendered"] == found["maths"], f"{found['maths'] - found['rendered']} formula(s) not rendered"
    assert found["stray"] == [], f"stray math delimiters in the text: {found['stray']}"
    assert found["shown"] == found["views"], f"{found['views'] - found['shown']} widget(s) not shown"
    assert found["broken"] == [], f"images not shown: {found['broken']}"
    assert found["noAlt"] == [], f"images whose alt text does not say what they show: {found['noAlt']}"
    if re.fullmatch(r"chapters/\d\d_\w+", page):
        assert found["maths"] > 0 and found["imgs"] > 0


def test_slider_moves_without_breaking_the_picture(browser, site):
    """Does dragging a demo's slider (no kernel behind the page) leave the figure and the page intact?"""
    visit = Visit(browser, site)
    try:
        open_page(visit, "chapters/01_functions")
        slider = visit.page.locator(".widget-slider .noUi-handle, .widget-slider .slider-handle").first
        slider.wait_for(timeout=10_000)
        before = visit.page.evaluate(INSPECT)
        slider.focus()
        box = slider.bounding_box()
        visit.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        visit.page.mouse.down()
        visit.page.mouse.move(box["x"] + 60, box["y"] + box["height"] / 2, steps=5)
        visit.page.mouse.up()
        visit.page.keyboard.press("ArrowRight")
        visit.page.wait_for_timeout(300)
        after = visit.page.evaluate(INSPECT)
    finally:
        visit.close()
    assert visit.problems == [], "\n".join(visit.problems)
    assert after["broken"] == [] and after["imgs"] == before["imgs"] > 0
    assert after["shown"] == after["views"] > 0


def stray_delimiters(page_html: str) -> list[str]:
    """Text of a built page, outside maths and code, that still holds a ``$``, ``\\(`` or ``\\[``."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page_html, "html.parser")
    main = soup.find("main") or soup
    for tag in main.select("script, style, pre, code, .math, .highlight, .cell_output, .output"):
        tag.decompose()
    text = main.get_text(" ")
    return [text[max(0, m.start() - 40): m.end() + 40] for m in re.finditer(r"\$|\\\(|\\\[", text)]


def test_no_stray_math_delimiters(html):
    """Is every formula of every page maths in the HTML (no line of TeX turned into a bullet or text)?"""
    found = {page.name: stray_delimiters(page.read_text()) for page in sorted(html.rglob("chapters/*.html"))}
    assert found and {name: text for name, text in found.items() if text} == {}


def test_stray_delimiter_scan_sees_a_formula_broken_into_a_bullet():
    """Would the scan catch a formula whose second line starts with '- ' (the bug it guards against)?"""
    broken = ("<main><p>Then $\\tanh(z) = 2\\sigma(2z)</p><ul><li><p>1$ inherits it.</p></li></ul>"
              '<p><span class="math">\\(x\\)</span> and <code>"$5"</code></p></main>')
    assert len(stray_delimiters(broken)) == 2
    assert stray_delimiters('<main><span class="math">\\(x\\)</span></main>') == []


def test_site_serves_its_own_browser_libraries(html):
    """Do the pages load MathJax, require.js and the widget manager from the site, not a CDN?"""
    page = (html / "chapters" / "01_functions.html").read_text()
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', page)
    assert not [src for src in scripts if "://" in src], scripts
    for name in ["vendor/mathjax/tex-mml-chtml.js", "vendor/requirejs/require.js", "vendor/html-manager/embed-amd.js"]:
        assert any(src.split("?")[0].endswith(name) for src in scripts), name
        assert (html / "_static" / name).is_file(), name
