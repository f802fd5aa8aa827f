"""The untrusted side: imports a student's nnlib and answers calls with plain data.

Started by :mod:`coursekit.sandbox.runner` as ``python -I /sandbox/worker.py
/mnt`` inside the sandbox, with ``protocol.py`` beside it (the only files of
the grader it sees). Requests and replies use :mod:`coursekit.sandbox.protocol`
on a private copy of the pipes; the student's own prints go to stderr.
Nothing here is trusted: the parent validates every reply.

Messages from the parent: ``("ping",)`` (answered ``("pong",)``),
``("call", module, function, args, kwargs, errstate)``, where ``errstate``
is the caller's ``np.geterr()`` and holds during the call, and while a
callback is pending ``("result", value)`` or ``("raise", name, text)``.
Messages to the parent: ``("ok", value, rng_states)``, ``("raise", name,
text)``, ``("bad", text)`` and ``("callback", number, args, kwargs)``.
"""

import importlib
import os
import random
import sys

import numpy as np


def builtin_name_and_text(exc) -> tuple[str, str]:
    """The nearest built-in class of exc by name, and its text (naming exc's own class when that differs).

    The parent raises only built-in exception types again. NumPy's AxisError is a ValueError (and
    LinAlgError one too): reported by its own name, a check's ``except ValueError`` would not see it
    in the grader though it does in one process.
    """
    cls = type(exc)
    builtin = next((c for c in cls.__mro__ if c.__module__ == "builtins"), BaseException)
    text = str(exc)
    if builtin is not cls:
        text = f"{cls.__name__}: {text}"
    return builtin.__name__, text[:2000]


def alias_of(value, inputs):
    """Which argument array value is (its index), or a view of (see :func:`view_of`), or None."""
    same = next((i for i, a in enumerate(inputs) if value is a), None)
    if same is None and isinstance(value, np.ndarray):
        same = view_of(value, inputs)
    return same


def view_of(value, inputs):
    """``[i, byte offset, shape, strides, writeable]`` when value is a view into argument array i, else None.

    ``x.reshape(...)``, ``x[::2]`` or a sliding window of x share x's memory: in one process a caller
    sees that (``np.shares_memory``), and writes through one change the other. The parent rebuilds the
    same view on its own copy of x from these numbers.
    """
    for i, a in enumerate(inputs):
        if value.dtype == a.dtype and a.flags.c_contiguous and np.may_share_memory(value, a):
            offset = value.__array_interface__["data"][0] - a.__array_interface__["data"][0]
            return [i, offset, list(value.shape), list(value.strides), bool(value.flags.writeable)]
    return None


class Channel:
    """The worker's end of the pipes."""

    def __init__(self, requests, replies):
        import protocol  # beside this file (see main)

        self.protocol = protocol
        self.requests, self.replies = requests, replies

    def send(self, value) -> None:
        """Send one reply (anything that is not plain data becomes a "bad" reply)."""
        try:
            data = self.protocol.encode(value)
        except self.protocol.ProtocolError as exc:
            data = self.protocol.encode(("bad", str(exc)))
        self.replies.write(data)
        self.replies.flush()

    def receive(self):
        """Read one message from the parent."""
        return self.protocol.decode(self.protocol.read_message(self.requests), callback=self.stand_in)

    def stand_in(self, number: int):
        """A local function that asks the parent to run its callback ``number``."""

        def call_back(*args, **kwargs):
            self.send(("callback", number, list(args), sorted(kwargs.items())))
            answer = self.serve(until_answer=True)
            if answer[0] == "result":
                return answer[1]
            raise RuntimeError(f"a function passed by the check raised {answer[1]}: {answer[2]}")

        return call_back

    def call(self, module, function, args, kwargs, errstate=()):
        """Run one student function.

        The reply carries every generator's final state, the arrays among the
        arguments that the function modified in place (by position), and
        which argument array, if any, the function returned itself.
        """
        try:
            fn = getattr(importlib.import_module(f"nnlib.{module}"), function)
            kwargs = dict(kwargs)
            inputs = self.protocol.arrays_in([args, kwargs])
            before = [a.copy() for a in inputs]
            # NumPy's and Python's global generators start every call in the same state: a
            # function that (wrongly) draws from them still gets the same grade at every run.
            np.random.seed(0)  # noqa: NPY002 (the legacy global state is what is reset)
            random.seed(0)
            with np.errstate(**dict(errstate)):
                value = fn(*args, **kwargs)
            states = [a.bit_generator.state if isinstance(a, np.random.Generator) else None
                      for a in [*args, *kwargs.values()]]
            changed = [[i, a] for i, (a, old) in enumerate(zip(inputs, before, strict=True))
                       if a.shape != old.shape or not np.array_equal(a, old, equal_nan=True)]
            same = alias_of(value, inputs)
            if same is None and isinstance(value, tuple | list):  # (dx, dW, db): each item on its own
                items = [alias_of(item, inputs) for item in value]
                same = ["items", items] if any(item is not None for item in items) else None
            return ("ok", value, states, changed, same)
        except BaseException as exc:  # noqa: BLE001 (every failure is reported, even SystemExit)
            return ("raise", *builtin_name_and_text(exc))

    def serve(self, until_answer: bool = False):
        """Answer calls; with ``until_answer``, return the parent's answer to a callback."""
        while True:
            try:
                message = self.receive()
            except EOFError:
                sys.exit(0)
            if message[0] == "call":
                self.send(self.call(*message[1:]))
            elif message[0] == "ping":
                self.send(("pong",))
            elif until_answer:
                return message


def main(scratch: str) -> None:
    """Serve calls until the parent closes the pipe."""
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # print() in student code must not corrupt the replies
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    channel = Channel(requests, replies)  # imports protocol.py before the student's folder is on the path
    sys.path.insert(0, scratch)  # the student's nnlib comes first
    channel.serve()


if __name__ == "__main__":
    main(sys.argv[1])
