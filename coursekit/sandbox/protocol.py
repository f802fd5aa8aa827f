"""Plain data across a pipe, with no pickle: what the worker may send back.

A message is a 4-byte length, a JSON header, then the raw bytes of any arrays
(``numpy.save`` format, read back with ``allow_pickle=False``). The decoder
rebuilds only ``None``, ``bool``, ``int``, ``float``, ``str``, base
``numpy.ndarray`` of a numeric or boolean dtype, and tuples and lists of
those, so nothing the untrusted side sends can run code or pretend to be
equal to something it is not.
"""

from __future__ import annotations

import io
import json
import struct

import numpy as np

MAX_DEPTH = 8
MAX_BYTES = 256 * 1024 * 1024
NUMERIC_KINDS = set("biuf")  # bool, signed, unsigned, float (no object, string, complex, void)


class ProtocolError(ValueError):
    """The other side sent something that is not plain data."""


def encode(value) -> bytes:
    """Serialise ``value`` (plain data only) into one message."""
    blobs: list[bytes] = []

    def walk(item, depth):
        if depth > MAX_DEPTH:
            raise ProtocolError("nested too deeply")
        if item is None or isinstance(item, bool | str):
            return {"t": type(item).__name__, "v": item}
        if isinstance(item, int | np.integer):
            return {"t": "int", "v": int(item)}
        if isinstance(item, float | np.floating):
            return {"t": "float", "v": repr(float(item))}
        if isinstance(item, np.ndarray):
            buffer = io.BytesIO()
            np.save(buffer, np.asarray(item), allow_pickle=False)
            blobs.append(buffer.getvalue())
            return {"t": "array", "i": len(blobs) - 1}
        if isinstance(item, tuple | list):
            return {"t": type(item).__name__, "v": [walk(x, depth + 1) for x in item]}
        raise ProtocolError(f"cannot send a {type(item).__name__}: only numbers, strings, arrays and tuples")

    header = json.dumps({"value": walk(value, 0), "sizes": [len(b) for b in blobs]}).encode()
    return struct.pack(">I", len(header)) + header + b"".join(blobs)


def read_message(stream) -> bytes:
    """Read one whole message from a binary stream (EOFError at the end)."""
    head = stream.read(4)
    if len(head) < 4:
        raise EOFError("the other side closed the pipe")
    (size,) = struct.unpack(">I", head)
    header = stream.read(size)
    sizes = json.loads(header).get("sizes", [])
    if not isinstance(sizes, list) or sum(int(s) for s in sizes) > MAX_BYTES:
        raise ProtocolError("message too large")
    body = stream.read(sum(int(s) for s in sizes))
    return head + header + body


def decode(message: bytes):
    """Rebuild the plain value of one message; ProtocolError for anything else."""
    try:
        (size,) = struct.unpack(">I", message[:4])
        header = json.loads(message[4 : 4 + size])
        sizes = [int(s) for s in header["sizes"]]
    except (struct.error, ValueError, KeyError, TypeError) as exc:
        raise ProtocolError(f"unreadable message: {exc}") from None
    offsets, start = [], 4 + size
    for length in sizes:
        offsets.append((start, start + length))
        start += length

    def walk(node, depth):
        if depth > MAX_DEPTH or not isinstance(node, dict):
            raise ProtocolError("malformed value")
        kind, value = node.get("t"), node.get("v")
        if kind == "NoneType" and value is None:
            return None
        if kind == "bool" and isinstance(value, bool):
            return value
        if kind == "str" and isinstance(value, str):
            return value
        if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
            return value
        if kind == "float" and isinstance(value, str):
            return float(value)
        if kind in ("tuple", "list") and isinstance(value, list):
            items = [walk(x, depth + 1) for x in value]
            return tuple(items) if kind == "tuple" else items
        if kind == "array" and isinstance(node.get("i"), int) and 0 <= node["i"] < len(offsets):
            begin, stop = offsets[node["i"]]
            try:
                array = np.load(io.BytesIO(message[begin:stop]), allow_pickle=False)
            except ValueError as exc:
                raise ProtocolError(f"not a plain array: {exc}") from None
            if type(array) is not np.ndarray or array.dtype.kind not in NUMERIC_KINDS:
                raise ProtocolError(f"arrays must hold numbers, not {array.dtype}")
            return array
        raise ProtocolError(f"unexpected value of type {kind!r}")

    return walk(header.get("value"), 0)
