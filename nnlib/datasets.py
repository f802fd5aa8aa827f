"""Small data sets generated on the spot: nothing is downloaded.

Every function that draws random numbers takes a ``numpy.random.Generator``
(or a seed), so the same call gives the same data on every machine.
"""

import numpy as np


def _rng(rng):
    """Accept a Generator, a seed, or None (seed 0)."""
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(0 if rng is None else rng)


CURVES = {
    "sine": lambda x: np.sin(x),
    "bump": lambda x: np.exp(-(x**2)),
    "abs": lambda x: np.abs(x),
    "cubic": lambda x: 0.1 * x**3 - 0.5 * x,
}


def make_curve(name="sine", n=200, low=-3.0, high=3.0, noise=0.0, rng=None):
    """Points on a 1-D curve, optionally with Gaussian noise.

    Parameters
    ----------
    name : {"sine", "bump", "abs", "cubic"}
    n : int
        Number of points, evenly spaced on [low, high].
    noise : float
        Standard deviation of noise added to y.
    rng : numpy.random.Generator or int, optional

    Returns
    -------
    x : ndarray of shape (N,)
    y : ndarray of shape (N,)
    """
    if name not in CURVES:
        raise ValueError(f"unknown curve {name!r}; choose one of {sorted(CURVES)}")
    x = np.linspace(low, high, n)
    y = CURVES[name](x)
    if noise:
        y = y + _rng(rng).normal(0.0, noise, size=n)
    return x, y


def make_blobs(n=100, centers=((-1.0, -1.0), (1.0, 1.0)), spread=0.5, rng=None):
    """Gaussian blobs in the plane, one class per centre.

    Parameters
    ----------
    n : int
        Points per class.
    centers : sequence of C pairs
    spread : float
        Standard deviation of each blob.
    rng : numpy.random.Generator or int, optional

    Returns
    -------
    X : ndarray of shape (C * n, 2)
    y : ndarray of shape (C * n,), int
        Class of each point, 0 to C - 1.
    """
    rng = _rng(rng)
    centers = np.asarray(centers, dtype=float)  # (C, 2)
    X = np.concatenate([c + spread * rng.standard_normal((n, 2)) for c in centers])  # (C*n, 2)
    y = np.repeat(np.arange(len(centers)), n)
    return X, y


GATES = {
    "AND": [0, 0, 0, 1],
    "OR": [0, 1, 1, 1],
    "NAND": [1, 1, 1, 0],
    "XOR": [0, 1, 1, 0],
}


def logic_gate(name):
    """Truth table of a two-input logic gate.

    Returns
    -------
    X : ndarray of shape (4, 2)
        The inputs (0,0), (0,1), (1,0), (1,1).
    y : ndarray of shape (4,), int
    """
    key = name.upper()
    if key not in GATES:
        raise ValueError(f"unknown gate {name!r}; choose one of {sorted(GATES)}")
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.array(GATES[key])


# --------------------------------------------------------------------------
# Handwritten digits (chapter 7 on): scikit-learn's 8x8 set, MNIST optionally
# --------------------------------------------------------------------------


def load_digits(test_fraction=0.25, rng=0, dtype=np.float32):
    """The 1,797 handwritten 8x8 digits that ship with scikit-learn, split in two.

    Pixels are scaled from 0..16 to [0, 1]. The split is stratified: each
    digit keeps (almost exactly) the same share in the training and test
    sets. Nothing is downloaded.

    Parameters
    ----------
    test_fraction : float
        Share of each class that goes to the test set.
    rng : numpy.random.Generator or int
        Shuffles the examples before the split (same seed, same split).
    dtype : numpy dtype
        dtype of the images (float32 by default, like the networks).

    Returns
    -------
    X_train : ndarray of shape (N_train, 64)
    y_train : ndarray of shape (N_train,), int64
    X_test : ndarray of shape (N_test, 64)
    y_test : ndarray of shape (N_test,), int64
        Row n of X is an 8x8 image, row by row: ``X[n].reshape(8, 8)``.
    """
    from sklearn.datasets import load_digits as sklearn_digits

    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    digits = sklearn_digits()
    X = (digits.data / 16.0).astype(dtype)  # (1797, 64), pixels in [0, 1]
    y = digits.target.astype(np.int64)
    rng = _rng(rng)
    test_rows, train_rows = [], []
    for label in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == label))
        n_test = int(round(test_fraction * len(rows)))
        test_rows.append(rows[:n_test])
        train_rows.append(rows[n_test:])
    train = rng.permutation(np.concatenate(train_rows))
    test = rng.permutation(np.concatenate(test_rows))
    return X[train], y[train], X[test], y[test]


#: The four files of MNIST (LeCun, Cortes and Burges), with their SHA-256 sums.
MNIST_FILES = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
#: Where the files are fetched from, tried in this order (the original site
#: often refuses automated downloads, so public mirrors come first).
MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)

#: IDX type codes (third byte of the header) and the NumPy dtypes they mean.
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


class DatasetError(RuntimeError):
    """A data set could not be loaded; the message says what to do about it."""


def parse_idx(data):
    """Decode a file in the IDX format used by MNIST (already un-gzipped).

    The header is two zero bytes, a type code (0x08 for unsigned bytes), the
    number of dimensions k, then k big-endian 32-bit sizes; the values follow,
    big-endian, row by row.

    Parameters
    ----------
    data : bytes

    Returns
    -------
    ndarray
        Of the shape given in the header; unsigned bytes come back as uint8,
        other types in native byte order.
    """
    data = bytes(data)
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_TYPES:
        raise ValueError("not an IDX file: it should start with two zero bytes and a known type code")
    ndim = data[3]
    start = 4 + 4 * ndim
    if len(data) < start:
        raise ValueError("truncated IDX file: the header is incomplete")
    shape = tuple(int(s) for s in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_TYPES[data[2]])
    count = int(np.prod(shape, dtype=np.int64))
    if len(data) - start != count * dtype.itemsize:
        raise ValueError(
            f"IDX file size does not match its header: shape {shape} needs "
            f"{count * dtype.itemsize} bytes of values, the file has {len(data) - start}"
        )
    values = np.frombuffer(data, dtype=dtype, count=count, offset=start).reshape(shape)
    return values.astype(dtype.newbyteorder("="))  # a writable copy in native byte order


def _download(url, path):
    """Fetch ``url`` into ``path`` (through a temporary file, so a failed download leaves nothing)."""
    import urllib.request

    partial = path.with_name(path.name + ".part")
    with urllib.request.urlopen(url, timeout=60) as response, open(partial, "wb") as out:
        out.write(response.read())
    partial.replace(path)


def _sha256(path):
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _by_hand(folder, names):
    """The instructions for fetching ``names`` without this function."""
    urls = "\n".join(f"    {MNIST_MIRRORS[0]}{name}" for name in names)
    return (
        f"Download these files by hand (a browser works) into the folder {folder}:\n{urls}\n"
        f"(other mirrors: {', '.join(MNIST_MIRRORS[1:])}), then call load_mnist() again. "
        "Keep the .gz files as they are: do not unzip them."
    )


def load_mnist(cache_dir=None, download=True, dtype=np.float32):
    """MNIST: 70,000 handwritten 28x28 digits, downloaded once and cached.

    The four ``.gz`` files are kept in ``cache_dir`` (default
    ``~/.cache/nnlib/mnist``) and checked against their known SHA-256 sums,
    so a broken or tampered download is never used. When a file is missing
    and cannot be downloaded (no network, or ``download=False``), the error
    lists the URLs to fetch by hand and the folder to put them in.

    Parameters
    ----------
    cache_dir : str or pathlib.Path, optional
    download : bool
        Whether missing files may be downloaded.
    dtype : numpy dtype
        dtype of the images, whose pixels are scaled to [0, 1].

    Returns
    -------
    X_train : ndarray of shape (60000, 784)
    y_train : ndarray of shape (60000,), int64
    X_test : ndarray of shape (10000, 784)
    y_test : ndarray of shape (10000,), int64

    Raises
    ------
    DatasetError
        A file is missing and could not be downloaded, or its checksum is wrong.
    """
    import gzip
    from pathlib import Path

    folder = Path(cache_dir) if cache_dir is not None else Path.home() / ".cache" / "nnlib" / "mnist"
    missing = [name for name in MNIST_FILES if not (folder / name).exists()]
    if missing and not download:  # only looking: leave the disk as it was
        raise DatasetError(f"MNIST is not in {folder} yet and download=False. " + _by_hand(folder, missing))
    folder.mkdir(parents=True, exist_ok=True)
    for name in missing:
        errors = []
        for mirror in MNIST_MIRRORS:
            try:
                _download(mirror + name, folder / name)
                break
            except Exception as exc:  # offline, refused, timed out: try the next mirror
                errors.append(f"{mirror}: {type(exc).__name__}: {exc}")
        else:
            raise DatasetError(
                f"could not download {name} ({'; '.join(errors)}). You may be offline. "
                + _by_hand(folder, missing)
            )
    arrays = {}
    for name, expected in MNIST_FILES.items():
        path = folder / name
        found = _sha256(path)
        if found != expected:
            raise DatasetError(
                f"{path} is damaged or not the original MNIST file (SHA-256 {found}, expected "
                f"{expected}). Delete it and call load_mnist() again, or: " + _by_hand(folder, [name])
            )
        arrays[name] = parse_idx(gzip.decompress(path.read_bytes()))
    scale = np.asarray(1.0 / 255.0, dtype=dtype)

    def images(name):
        raw = arrays[name]  # (N, 28, 28) uint8
        return raw.reshape(len(raw), -1).astype(dtype) * scale  # (N, 28, 28) -> (N, 784)

    return (
        images("train-images-idx3-ubyte.gz"),
        arrays["train-labels-idx1-ubyte.gz"].astype(np.int64),
        images("t10k-images-idx3-ubyte.gz"),
        arrays["t10k-labels-idx1-ubyte.gz"].astype(np.int64),
    )
