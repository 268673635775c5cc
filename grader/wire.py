"""Plain data across the trust boundary: JSON for structure, one flat file of raw bytes for arrays.

Nothing is pickled either way. An array crosses as its raw bytes appended to one file per job
(`arrays.bin`), and the JSON names its dtype, shape and offset; the reader accepts numeric dtypes
only (no object arrays: nothing in the file can execute) and checks every offset and size
against the file. One file per job instead of one `.npy` per array: a student's grading writes
and reads a few dozen files, not hundreds (their system calls cost 29% of a batch's CPU).
The child tags each array with how it related to the backend (`native`, `subclass`, `numpy`,
...); the parent decides what that is worth.
"""

from __future__ import annotations

import io
import json
import math
import os
from pathlib import Path
from typing import Any, Callable

import numpy as np

from grader.spec import Fn

MAX_DEPTH = 8
MAX_ITEMS = 4096
MAX_JSON_BYTES = 8 * 1024 * 1024
MAX_ARRAY_BYTES = 256 * 1024 * 1024
MAX_ARRAYS_FILE_BYTES = 1024 * 1024 * 1024
MAX_DIMS = 32
ARRAYS = "arrays.bin"
# Numeric dtypes only, each byte order spelled out: what np.dtype(...).str gives for them.
_DTYPES = frozenset(np.dtype(f"{order}{code}").str for order in "<>|"
                    for code in ("b1", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8",
                                 "f2", "f4", "f8"))
# Case inputs held in memory, by key: the parent sends each exercise's once to the fork server,
# whose grandchildren inherit them with the fork (no files, nothing a student could change).
PRELOADED: dict[str, bytes] = {}


class WireError(ValueError):
    """The data read back is malformed or too large."""


class Encoder:
    """Appends arrays to `folder/arrays.bin` (raw bytes) and returns JSON-able trees that point
    into it."""

    def __init__(self, folder: Path | None, classify: Callable[[Any], str] | None = None,
                 to_numpy: Callable[[Any], np.ndarray] | None = None) -> None:
        """`folder` None: the bytes stay in memory (`getvalue()`)."""
        self.path = folder / ARRAYS if folder is not None else None
        self.classify = classify
        self.to_numpy = to_numpy
        self._file: Any = None
        self._offset = 0

    def getvalue(self) -> bytes:
        return self._file.getvalue() if isinstance(self._file, io.BytesIO) else b""

    def _save(self, a: np.ndarray) -> dict[str, Any]:
        if self._file is None:
            self._file = io.BytesIO() if self.path is None else open(self.path, "ab", buffering=0)
            self._offset = self._file.tell()
        shape = list(a.shape)  # (ascontiguousarray makes a 0-d array 1-d)
        a = np.ascontiguousarray(a)
        view = memoryview(a.reshape(-1).view(np.uint8)) if a.size else memoryview(b"")
        at = self._offset
        while view:
            written = self._file.write(view)
            view = view[written:]
            self._offset += written
        return {"at": at, "dtype": a.dtype.str, "shape": shape}

    def close(self) -> None:
        if self._file is not None and self.path is not None:
            self._file.close()
            self._file = None

    def encode(self, x: Any, depth: int = 0) -> dict[str, Any]:
        if depth > MAX_DEPTH:
            return {"t": "other", "type": "nesting deeper than %d levels" % MAX_DEPTH}
        if x is None:
            return {"t": "none"}
        if type(x) is bool:
            return {"t": "bool", "v": x}
        if type(x) is int:
            return {"t": "int", "v": x}
        if type(x) is float:
            return {"t": "float", "v": _float_out(x)}
        if type(x) is str:
            return {"t": "str", "v": x}
        if isinstance(x, Fn):
            return {"t": "fn", "name": x.name, "params": x.params}
        if type(x) in (tuple, list):
            items = list(x)
            if len(items) > MAX_ITEMS:
                return {"t": "other", "type": f"{type(x).__name__} of {len(items)} items"}
            return {"t": type(x).__name__, "items": [self.encode(v, depth + 1) for v in items]}
        if type(x) is dict:
            if not all(type(k) is str for k in x) or len(x) > MAX_ITEMS:
                return {"t": "other", "type": "dict with non-string keys"}
            return {"t": "dict", "items": {k: self.encode(v, depth + 1) for k, v in x.items()}}
        if isinstance(x, np.generic) and type(x) in _NUMPY_SCALARS:
            if x.dtype.kind == "f":
                return {"t": "float", "v": _float_out(float(x)), "np": x.dtype.name}
            if x.dtype.kind in "iu":
                return {"t": "int", "v": int(x), "np": x.dtype.name}
            if x.dtype.kind == "b":
                return {"t": "bool", "v": bool(x), "np": x.dtype.name}
        return self._encode_array(x)

    def _encode_array(self, x: Any) -> dict[str, Any]:
        kind = self.classify(x) if self.classify else ("native" if type(x) is np.ndarray else "other")
        if type(x) is np.ndarray and kind != "native":
            kind = "numpy"
        if kind == "other":
            return {"t": "other", "type": f"{type(x).__module__}.{type(x).__qualname__}"}
        if kind == "subclass":
            # Never converted: a subclass can override anything conversion would call.
            return {"t": "other", "type": f"subclass of the backend's array type "
                                          f"({type(x).__module__}.{type(x).__qualname__})"}
        if kind == "native" and self.to_numpy is not None and type(x) is not np.ndarray:
            a = self.to_numpy(x)
        else:
            a = np.array(x, copy=True) if type(x) is np.ndarray else None
        if a is None:
            return {"t": "other", "type": f"{type(x).__module__}.{type(x).__qualname__}"}
        if a.dtype.hasobject or a.dtype.kind not in "biuf":
            return {"t": "other", "type": f"array of dtype {a.dtype}"}
        if a.nbytes > MAX_ARRAY_BYTES:
            return {"t": "other", "type": f"array of {a.nbytes >> 20} MiB, too large to send back"}
        try:
            return {"t": "array", **self._save(a), "kind": kind}
        except OSError as exc:  # the file-size limit of the sandbox
            return {"t": "other", "type": f"array too large to send back ({exc.strerror})"}


_NUMPY_SCALARS = {np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64,
                  np.uint8, np.uint16, np.uint32, np.uint64, np.bool_}


def _float_out(v: float) -> Any:
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def _float_in(v: Any) -> float:
    if isinstance(v, str):
        if v not in ("nan", "inf", "-inf"):
            raise WireError(f"bad float {v!r}")
        return float(v)
    if type(v) not in (int, float):
        raise WireError(f"bad float {v!r}")
    return float(v)


def write_json(path: Path, data: Any) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    size = path.stat().st_size
    if size > MAX_JSON_BYTES:
        raise WireError(f"reply of {size} bytes is over the {MAX_JSON_BYTES}-byte limit")
    return json.loads(path.read_text())


class Array:
    """An array read back, with `kind` as the child classified it."""

    __slots__ = ("value", "kind")

    def __init__(self, value: np.ndarray, kind: str) -> None:
        self.value = value
        self.kind = kind

    def __repr__(self) -> str:
        return f"Array({self.value!r}, kind={self.kind!r})"


class Scalar:
    """A Python or NumPy scalar read back (`np` names the NumPy dtype, if any)."""

    __slots__ = ("value", "np")

    def __init__(self, value: Any, np_dtype: str | None) -> None:
        self.value = value
        self.np = np_dtype

    def __repr__(self) -> str:
        return f"Scalar({self.value!r})"


class Other:
    """Something that could not be carried back: its type name only."""

    __slots__ = ("type",)

    def __init__(self, type_name: str) -> None:
        self.type = type_name

    def __repr__(self) -> str:
        return f"Other({self.type!r})"


class ArrayFile:
    """The arrays of one job's file, read once (when first needed) and checked on every use."""

    def __init__(self, path: Path, data: bytes | None = None) -> None:
        self.path = path
        self._data = data

    @classmethod
    def of(cls, source: "ArrayFile | Path") -> "ArrayFile":
        """An ArrayFile, or the one in folder `source`."""
        return source if isinstance(source, ArrayFile) else cls(Path(source) / ARRAYS)

    @classmethod
    def preloaded(cls, key: str) -> "ArrayFile":
        if key not in PRELOADED:
            raise WireError(f"no case inputs under {key!r}")
        return cls(Path(key), PRELOADED[key])

    def data(self) -> bytes:
        if self._data is None:
            self._data = read_arrays_file(self.path)
        return self._data

    def get(self, entry: dict) -> np.ndarray:
        """The array an entry points at, as a fresh writable NumPy array."""
        dtype, shape, at = entry.get("dtype"), entry.get("shape"), entry.get("at")
        if not isinstance(dtype, str) or dtype not in _DTYPES:
            raise WireError(f"array of dtype {dtype!r}: numbers only")
        if (not isinstance(shape, list) or len(shape) > MAX_DIMS
                or not all(type(n) is int and n >= 0 for n in shape)):
            raise WireError("malformed array shape")
        if type(at) is not int or at < 0:
            raise WireError("malformed array offset")
        dt = np.dtype(dtype)
        count = math.prod(shape)
        nbytes = count * dt.itemsize
        if nbytes > MAX_ARRAY_BYTES:
            raise WireError(f"array of {nbytes >> 20} MiB is over {MAX_ARRAY_BYTES >> 20} MiB")
        data = self.data()
        if at + nbytes > len(data):
            raise WireError("an array runs past the end of its file")
        return np.frombuffer(data, dtype=dt, count=count, offset=at).reshape(tuple(shape)).copy()


def read_arrays_file(path: Path) -> bytes:
    """A job's array file, refusing links and files over the size limit."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return b""  # nothing was written: an array entry pointing into it is then refused
    except OSError as exc:
        raise WireError(f"{path.name} cannot be read ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as f:
        size = os.fstat(fd).st_size
        if size > MAX_ARRAYS_FILE_BYTES:
            raise WireError(f"{path.name} is over {MAX_ARRAYS_FILE_BYTES >> 20} MiB")
        # Not read(MAX + 1): that allocates the whole limit first, a gigabyte's worth of page
        # faults per job. A file that grew since fstat reads one byte long and is refused.
        data = f.read(size + 1)
    if len(data) > size:
        raise WireError(f"{path.name} changed while it was read")
    return data


def decode_reply(tree: Any, source: "ArrayFile | Path", depth: int = 0) -> Any:
    """The child's reply as Array/Scalar/Other leaves in tuples, lists and dicts; `source` is the
    job's ArrayFile (or its folder)."""
    arrays = ArrayFile.of(source)
    if depth > MAX_DEPTH + 1 or not isinstance(tree, dict):
        raise WireError("malformed reply")
    t = tree.get("t")
    if t == "none":
        return None
    if t in ("bool", "int", "float"):
        v = tree.get("v")
        if t == "float":
            v = _float_in(v)
        elif t == "int" and type(v) is not int:
            raise WireError("bad int")
        elif t == "bool" and type(v) is not bool:
            raise WireError("bad bool")
        np_name = tree.get("np")
        return Scalar(v, np_name if isinstance(np_name, str) else None)
    if t == "str":
        return Other("str")
    if t in ("tuple", "list"):
        items = tree.get("items")
        if not isinstance(items, list) or len(items) > MAX_ITEMS:
            raise WireError("malformed sequence")
        seq = [decode_reply(v, arrays, depth + 1) for v in items]
        return tuple(seq) if t == "tuple" else seq
    if t == "dict":
        items = tree.get("items")
        if not isinstance(items, dict) or len(items) > MAX_ITEMS:
            raise WireError("malformed dict")
        return {str(k): decode_reply(v, arrays, depth + 1) for k, v in items.items()}
    if t == "array":
        return Array(arrays.get(tree), str(tree.get("kind")))
    if t == "other":
        return Other(str(tree.get("type"))[:200])
    raise WireError(f"unknown tag {t!r}")


def decode_inputs(tree: Any, source: "ArrayFile | Path", make_array: Callable[[np.ndarray], Any],
                  make_fn: Callable[[str, dict], Any]) -> Any:
    """Case inputs, in the child: arrays through `make_array`, Fn markers through `make_fn`."""
    arrays = ArrayFile.of(source)
    t = tree["t"]
    if t == "none":
        return None
    if t in ("bool", "int", "str"):
        return tree["v"]
    if t == "float":
        return _float_in(tree["v"])
    if t in ("tuple", "list"):
        seq = [decode_inputs(v, arrays, make_array, make_fn) for v in tree["items"]]
        return tuple(seq) if t == "tuple" else seq
    if t == "dict":
        return {k: decode_inputs(v, arrays, make_array, make_fn) for k, v in tree["items"].items()}
    if t == "array":
        return make_array(arrays.get(tree))
    if t == "fn":
        return make_fn(tree["name"], tree["params"])
    raise WireError(f"unknown input tag {t!r}")
