"""The common shape of every demo: controls that redraw a matplotlib figure."""

from __future__ import annotations

import matplotlib

if matplotlib.get_backend().lower() not in {"module://matplotlib_inline.backend_inline", "inline"}:
    matplotlib.use("Agg")  # headless (tests, terminals); Jupyter keeps its inline backend

import io
import textwrap

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from nnlib.testing import CheckTimeout, time_limit


def attempt(fn, *args, timeout: float = 2.0, **kwargs):
    """Call a learner's function; return ``(value, None)`` or ``(None, reason)``.

    A stub, an exception or a very slow call becomes a short sentence the demo
    can show in place of its plot, so a demo never stops a notebook.
    """
    try:
        with np.errstate(all="ignore"), time_limit(timeout):
            return fn(*args, **kwargs), None
    except NotImplementedError as exc:
        return None, f"Finish this first: {exc}"
    except CheckTimeout:
        return None, f"{getattr(fn, '__name__', 'the function')} took longer than {timeout:g} s"
    except Exception as exc:  # any mistake in learner code
        return None, f"{getattr(fn, '__name__', 'the function')} raised {type(exc).__name__}: {exc}"


def say(ax, problem: str | None, y: float = 0.5, width: int = 36) -> None:
    """Write why a panel is empty (an exercise to finish, an error) in its middle."""
    ax.text(
        0.5,
        y,
        textwrap.fill(problem or "the function returned something of the wrong shape", width),
        ha="center",
        va="center",
        transform=ax.transAxes,
        fontsize=8,
        color="firebrick",
    )


class Demo:
    """A figure with controls; moving a control redraws the figure.

    Subclasses create their controls in ``__init__`` (stored in
    ``self.controls`` by name), then call ``super().__init__(...)``, and
    implement :meth:`draw`, which reads ``self.value(name)`` and updates
    ``self.ax``. Display with ``demo.show()`` in a notebook; tests set
    ``demo.controls[name].value`` and compare :meth:`snapshot` before and after.
    """

    def __init__(self, controls: dict[str, widgets.Widget], figsize=(6.0, 4.0), ncols: int = 1):
        self.controls = controls
        self.fig, axes = plt.subplots(1, ncols, figsize=figsize)
        self.axes = np.atleast_1d(axes)
        self.ax = self.axes[0]
        plt.close(self.fig)  # shown through self.image, not by the inline backend
        # The figure reaches the page as a PNG inside an Image widget. (An
        # Output widget would also work live, but while a notebook is executed
        # by nbclient, as the book build and nbgrader do, its output capture
        # occasionally stalls the cell until the execution timeout.)
        self.image = widgets.Image(format="png")
        self.notice = ""
        for control in controls.values():
            control.observe(self._on_change, names="value")
        self.redraw()

    def value(self, name: str):
        """Current value of the control called ``name``."""
        return self.controls[name].value

    def draw(self) -> None:
        """Update the axes from the controls (subclasses implement this)."""
        raise NotImplementedError

    def redraw(self) -> None:
        """Clear the axes, draw again, and refresh the displayed figure."""
        for ax in self.axes:
            ax.clear()
        self.notice = ""
        self.draw()
        if self.notice:
            say(self.ax, self.notice, width=60)
        buffer = io.BytesIO()
        self.fig.savefig(buffer, format="png", dpi=80)
        self.image.value = buffer.getvalue()

    def _on_change(self, change) -> None:
        self.redraw()

    @property
    def widget(self) -> widgets.Widget:
        """The controls above the figure, as one widget."""
        return widgets.VBox([widgets.HBox(list(self.controls.values())), self.image])

    def show(self) -> None:
        """Display the demo in a notebook."""
        display(self.widget)

    def snapshot(self) -> list:
        """What the figure currently shows: line data, point positions and texts."""
        shown = []
        for ax in self.axes:
            shown += [line.get_xydata().round(9).tolist() for line in ax.lines]
            shown += [np.asarray(c.get_offsets()).round(9).tolist() for c in ax.collections]
            shown += [t.get_text() for t in ax.texts]
            shown.append(ax.get_title())
        return shown
