"""When an exercise calls another one that is wrong, does its failure name the function to fix first?"""

import pytest

from nnlib import testing
from nnlib.checking import learner_functions, load_visible_checks
from nnlib.exercises import EXERCISES, by_function

load_visible_checks("nnlib")


def _wrong_perceptron_predict(X, w, b):
    import numpy as np

    return np.where(np.asarray(X) @ w + b > 0, 1.0, 0.0)  # z = 0 predicts 0: the classic slip


def _wrong_log_softmax(z):
    import numpy as np

    return np.asarray(z) - np.log(np.sum(np.exp(z), axis=0, keepdims=True))  # the wrong axis


@pytest.mark.parametrize(
    ("function", "wrong", "dependant"),
    [("perceptron_predict", _wrong_perceptron_predict, "train_perceptron"),
     ("log_softmax", _wrong_log_softmax, "cross_entropy")],
)
def test_a_dependant_names_its_broken_prerequisite(function, wrong, dependant):
    """Does a failed check of the calling exercise say which earlier function to fix?"""
    nn = learner_functions("nnlib", reload=False)
    setattr(nn, function, wrong)
    own = getattr(nn, dependant)
    module = __import__(f"nnlib.{by_function(dependant).module}", fromlist=[function])
    original = getattr(module, function)
    setattr(module, function, wrong)  # the dependant's module calls the wrong one, as a student's would
    try:
        setattr(nn, dependant, own)
        ex = by_function(dependant)
        report = testing.run_checks([ex.id], nn)
    finally:
        setattr(module, function, original)
    failed = [o for o in report.outcomes if not o.passed]
    assert failed, f"a wrong {function} went unnoticed by {dependant}'s checks"
    assert all(f"it needs {function}" in o.message for o in failed), [o.message for o in failed]


def test_every_declared_prerequisite_has_a_quick_test():
    """Is there a quick test for every function some exercise declares it calls?"""
    for ex in EXERCISES:
        for name in ex.calls:
            assert testing._quick_test(name) is not None, f"{ex.id} calls {name}, which has no quick test"
