"""The untrusted side: imports a student's nnlib and answers calls with plain data.

Started by :mod:`coursekit.sandbox.runner` as ``python -I worker.py SCRATCH``
inside the sandbox. Requests and replies use :mod:`coursekit.sandbox.protocol`
on a private copy of the pipes; the student's own prints go to stderr.
Nothing here is trusted: the parent validates every reply.
"""

import importlib
import os
import sys


def main(scratch: str) -> None:
    """Serve calls until the parent closes the pipe."""
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # print() in student code must not corrupt the replies
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    sys.path.insert(0, scratch)
    from coursekit.sandbox.protocol import ProtocolError, decode, encode, read_message

    while True:
        try:
            request = decode(read_message(requests))
        except EOFError:
            return
        _, module, function, args, kwargs = request
        try:
            fn = getattr(importlib.import_module(f"nnlib.{module}"), function)
            reply = ("ok", fn(*args, **dict(kwargs)))
        except BaseException as exc:  # noqa: BLE001 (every failure is reported, even SystemExit)
            reply = ("raise", type(exc).__name__, str(exc)[:2000])
        try:
            data = encode(reply)
        except ProtocolError as exc:
            data = encode(("bad", str(exc)))
        replies.write(data)
        replies.flush()


if __name__ == "__main__":
    main(sys.argv[1])
