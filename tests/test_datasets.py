"""The data loaders of ``nnlib/datasets.py``: digits offline, MNIST without a network.

Nothing here downloads: the MNIST tests write small IDX files themselves
and replace the downloader.
"""

import gzip
import hashlib

import numpy as np
import pytest

from nnlib import datasets
from nnlib.datasets import DatasetError, load_digits, load_mnist, parse_idx

# --------------------------------------------------------------------------
# load_digits
# --------------------------------------------------------------------------


def test_digits_shapes_range_and_dtype():
    """Are the digits 64-pixel rows in [0, 1], float32, with labels 0-9, split 3:1?"""
    X_train, y_train, X_test, y_test = load_digits()
    assert X_train.shape == (1347, 64) and X_test.shape == (450, 64)
    assert X_train.dtype == X_test.dtype == np.float32
    assert 0.0 <= X_train.min() and X_train.max() == 1.0
    assert set(np.unique(y_train)) == set(range(10)) == set(np.unique(y_test))


def test_digits_split_is_stratified_disjoint_and_seeded():
    """Does every class keep about a quarter in the test set, with no image in both, the same for the same seed?"""
    X_train, y_train, X_test, y_test = load_digits(rng=3)
    share = np.bincount(y_test) / (np.bincount(y_test) + np.bincount(y_train))
    assert np.all(np.abs(share - 0.25) < 0.01)
    train_rows = {row.tobytes() for row in X_train}
    assert sum(row.tobytes() in train_rows for row in X_test) < 5  # the raw set has a few duplicate images
    again = load_digits(rng=3)
    other = load_digits(rng=4)
    assert np.array_equal(again[0], X_train) and np.array_equal(again[3], y_test)
    assert not np.array_equal(other[3], y_test)
    assert load_digits(dtype=np.float64)[0].dtype == np.float64


def test_digits_refuses_a_silly_test_fraction():
    """Is a test fraction outside (0, 1) refused?"""
    with pytest.raises(ValueError, match="test_fraction"):
        load_digits(test_fraction=1.0)


# --------------------------------------------------------------------------
# parse_idx
# --------------------------------------------------------------------------


def idx_bytes(array, code=0x08):
    """An IDX file holding ``array`` (big-endian, as MNIST's files are)."""
    dtype = {0x08: ">u1", 0x0C: ">i4", 0x0D: ">f4"}[code]
    header = bytes([0, 0, code, array.ndim]) + np.array(array.shape, dtype=">u4").tobytes()
    return header + np.asarray(array, dtype=dtype).tobytes()


def test_parse_idx_reads_images_and_labels():
    """Does parse_idx give back a 3-D uint8 array and a 1-D label array exactly?"""
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    got = parse_idx(idx_bytes(images))
    assert got.dtype == np.uint8 and np.array_equal(got, images)
    labels = np.array([7, 0, 9], dtype=np.uint8)
    assert np.array_equal(parse_idx(idx_bytes(labels)), labels)


def test_parse_idx_handles_big_endian_ints_and_floats():
    """Are multi-byte values read big-endian and returned in native byte order?"""
    ints = np.array([[1, -2], [70000, 3]])
    got = parse_idx(idx_bytes(ints, 0x0C))
    assert np.array_equal(got, ints) and got.dtype.isnative
    floats = np.array([0.5, -1.25], dtype=np.float32)
    assert np.array_equal(parse_idx(idx_bytes(floats, 0x0D)), floats)


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"\x01\x00\x08\x01\x00\x00\x00\x01\x05", "not an IDX"),
     (b"\x00\x00\x08\x02\x00\x00\x00\x02", "truncated"),
     (b"\x00\x00\x08\x01\x00\x00\x00\x03\x01\x02", "does not match")],
)
def test_parse_idx_rejects_broken_files(data, message):
    """Is a file with a bad magic number, a short header or missing values refused clearly?"""
    with pytest.raises(ValueError, match=message):
        parse_idx(data)


# --------------------------------------------------------------------------
# load_mnist, with tiny files and no network
# --------------------------------------------------------------------------

TINY = {
    "train-images-idx3-ubyte.gz": np.arange(3 * 28 * 28, dtype=np.uint8).reshape(3, 28, 28),
    "train-labels-idx1-ubyte.gz": np.array([5, 0, 4], dtype=np.uint8),
    "t10k-images-idx3-ubyte.gz": np.full((2, 28, 28), 255, dtype=np.uint8),
    "t10k-labels-idx1-ubyte.gz": np.array([7, 2], dtype=np.uint8),
}


@pytest.fixture
def tiny_mnist(monkeypatch):
    """Gzipped tiny IDX files, with load_mnist told to expect their checksums. Returns name -> bytes."""
    files = {name: gzip.compress(idx_bytes(array)) for name, array in TINY.items()}
    monkeypatch.setattr(datasets, "MNIST_FILES", {n: hashlib.sha256(b).hexdigest() for n, b in files.items()})
    return files


def offline(url, path):
    raise OSError("Network is unreachable")


def test_mnist_hashes_are_sha256_of_the_four_files():
    """Does the module know a 64-hex-digit SHA-256 for each of the four original files?"""
    assert sorted(datasets.MNIST_FILES) == sorted(TINY)
    assert all(len(h) == 64 and int(h, 16) >= 0 for h in datasets.MNIST_FILES.values())


def test_mnist_downloads_once_then_uses_the_cache(tmp_path, monkeypatch, tiny_mnist):
    """Are missing files fetched once, verified, parsed and scaled; is a second call served from the cache?"""
    fetched = []

    def fake_download(url, path):
        fetched.append(url)
        path.write_bytes(tiny_mnist[url.rsplit("/", 1)[1]])

    monkeypatch.setattr(datasets, "_download", fake_download)
    X_train, y_train, X_test, y_test = load_mnist(cache_dir=tmp_path)
    assert len(fetched) == 4 and all(url.startswith(datasets.MNIST_MIRRORS[0]) for url in fetched)
    assert X_train.shape == (3, 784) and X_test.shape == (2, 784) and X_train.dtype == np.float32
    assert np.array_equal(y_train, [5, 0, 4]) and np.array_equal(y_test, [7, 2])
    assert np.allclose(X_test, 1.0) and X_train.max() <= 1.0
    np.testing.assert_allclose(X_train[0, :3], np.array([0, 1, 2]) / 255, rtol=1e-6)
    monkeypatch.setattr(datasets, "_download", offline)  # the second call must not need the network
    again = load_mnist(cache_dir=tmp_path)
    assert np.array_equal(again[0], X_train)


def test_mnist_tries_the_next_mirror(tmp_path, monkeypatch, tiny_mnist):
    """When the first mirror fails, is the next one used?"""

    def first_mirror_down(url, path):
        if url.startswith(datasets.MNIST_MIRRORS[0]):
            raise OSError("503")
        path.write_bytes(tiny_mnist[url.rsplit("/", 1)[1]])

    monkeypatch.setattr(datasets, "_download", first_mirror_down)
    assert load_mnist(cache_dir=tmp_path)[1].shape == (3,)


def test_mnist_offline_says_what_to_download_and_where(tmp_path, monkeypatch, tiny_mnist):
    """Offline, does the error list the URLs of the missing files and the folder to put them in?"""
    monkeypatch.setattr(datasets, "_download", offline)
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(tiny_mnist["train-labels-idx1-ubyte.gz"])
    with pytest.raises(DatasetError) as info:
        load_mnist(cache_dir=tmp_path)
    message = str(info.value)
    assert str(tmp_path) in message and "by hand" in message and "offline" in message
    assert datasets.MNIST_MIRRORS[0] + "train-images-idx3-ubyte.gz" in message
    assert "train-labels-idx1-ubyte.gz" not in message.split("folder")[1]  # that one is already there
    assert not list(tmp_path.glob("*.part"))


def test_mnist_without_download_permission(tmp_path, monkeypatch, tiny_mnist):
    """With download=False and no cache, does it refuse without touching the network or the disk?"""
    monkeypatch.setattr(datasets, "_download", lambda url, path: pytest.fail("tried to download"))
    with pytest.raises(DatasetError, match="download=False"):
        load_mnist(cache_dir=tmp_path / "cache", download=False)
    assert not (tmp_path / "cache").exists()  # the book build looks for MNIST this way


def test_mnist_rejects_a_damaged_file(tmp_path, monkeypatch, tiny_mnist):
    """Is a cached file whose SHA-256 is wrong refused, with advice to delete and fetch it again?"""
    for name, data in tiny_mnist.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(np.array([1, 1], np.uint8))))
    monkeypatch.setattr(datasets, "_download", offline)
    with pytest.raises(DatasetError) as info:
        load_mnist(cache_dir=tmp_path)
    message = str(info.value)
    assert "t10k-labels-idx1-ubyte.gz" in message and "SHA-256" in message and "Delete it" in message
