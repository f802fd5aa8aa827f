"""The chapter 11 demos: the ring replay reacts to its controls; the figures draw; stubs are named."""

from types import SimpleNamespace

import numpy as np
import pytest

import nnlib.demos.gan as demos
from nnlib.gan import make_ring


@pytest.fixture(scope="module")
def run():
    return demos.train_gan(demos.ring_sampler(), 300, [2, 16, 2], [2, 16, 1], record_every=100, show=200,
                           measure=demos.ring_measure())


@pytest.fixture(scope="module")
def ring():
    return make_ring(300, np.random.default_rng(0))


@pytest.mark.parametrize(("control", "value"), [("step", 100), ("disc", True)])
def test_each_control_changes_the_figure(run, ring, control, value):
    """Does moving the step slider, or ticking 'discriminator', change what the replay shows?"""
    replay = demos.RingReplay(run, ring)
    before = replay.snapshot()
    replay.controls[control].value = value
    assert replay.snapshot() != before
    assert replay.notice == ""


def test_replay_titles_show_the_recorded_measures(run, ring):
    """Does the title at each step show that step's recorded modes covered and quality?"""
    replay = demos.RingReplay(run, ring, step=200)
    covered, quality = run["coverage"][2]
    assert replay.ax.get_title() == f"step 200: {covered} of 8 modes, {quality:.0%} high quality"
    assert run["steps"] == [0, 100, 200, 300] and len(run["d_loss"]) == 300


def test_replay_names_an_unfinished_mlp_forward(run, ring, monkeypatch):
    """With mlp_forward a stub, does the discriminator view say which exercise to finish?"""

    def stub(*args, **kwargs):
        raise NotImplementedError("Exercise 7.2: implement mlp_forward (chapter 7, section 'The forward pass')")

    real = demos.learner_functions()
    monkeypatch.setattr(demos, "learner_functions", lambda: SimpleNamespace(**{**vars(real), "mlp_forward": stub}))
    replay = demos.RingReplay(run, ring)
    replay.controls["disc"].value = True
    assert "Exercise 7.2" in replay.notice


def test_generator_loss_figure_names_an_unfinished_exercise(monkeypatch):
    """With generator_loss a stub, does the loss figure say so instead of failing?"""

    def stub(*args, **kwargs):
        raise NotImplementedError("Exercise 11.3: implement generator_loss (chapter 11, section 'The generator's loss')")

    real = demos.learner_functions()
    monkeypatch.setattr(demos, "learner_functions", lambda: SimpleNamespace(**{**vars(real), "generator_loss": stub}))
    fig = demos.plot_generator_losses()
    assert any("Exercise 11.3" in " ".join(t.get_text().split()) for t in fig.axes[0].texts)


def test_static_figures(run, ring):
    """Do the page's figures draw: the ring, snapshot rows, coverage curves, losses, both loss curves, digits?"""
    assert len(demos.plot_ring(ring).axes) == 1
    assert len(demos.plot_snapshots({"a": run, "b": run}, [0, 300], real=ring).axes) == 4
    fig = demos.plot_coverage({"a": run})
    assert len(fig.axes[0].lines) == 1 + 1  # the run and the 7-mode line
    assert len(demos.plot_losses(run, smooth=10).axes[0].lines) == 4
    left, right = demos.plot_generator_losses().axes
    non_saturating, saturating = (line.get_ydata() for line in right.lines)
    assert non_saturating[0] > 0.99 and saturating[0] < 0.01  # D rejects the fake: only one pushes
    assert len(demos.plot_digit_grid(np.random.default_rng(0).random((40, 64))).axes) == 40
