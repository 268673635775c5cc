"""Plain data across the trust boundary: JSON for structure, `.npy` files for arrays.

Nothing is pickled either way: arrays are written with `np.save` and read back with
`allow_pickle=False`, so an object array or a crafted file cannot execute anything in the
parent. The child tags each array with how it related to the backend (`native`, `subclass`,
`numpy`, ...); the parent decides what that is worth.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Any, Callable

import numpy as np

from grader.spec import Fn

MAX_DEPTH = 8
MAX_ITEMS = 4096
MAX_JSON_BYTES = 8 * 1024 * 1024
MAX_ARRAY_BYTES = 256 * 1024 * 1024
_NPY_NAME = re.compile(r"[0-9]{1,6}\.npy")


class WireError(ValueError):
    """The data read back is malformed or too large."""


class Encoder:
    """Writes arrays into `folder` as numbered .npy files and returns JSON-able trees."""

    def __init__(self, folder: Path, classify: Callable[[Any], str] | None = None,
                 to_numpy: Callable[[Any], np.ndarray] | None = None) -> None:
        self.folder = folder
        self.count = 0
        self.classify = classify
        self.to_numpy = to_numpy

    def _save(self, a: np.ndarray) -> str:
        name = f"{self.count}.npy"
        self.count += 1
        np.save(self.folder / name, a, allow_pickle=False)
        return name

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
            return {"t": "array", "file": self._save(a), "kind": kind}
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


def decode_reply(tree: Any, folder: Path, depth: int = 0) -> Any:
    """The child's reply as Array/Scalar/Other leaves in tuples, lists and dicts."""
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
        seq = [decode_reply(v, folder, depth + 1) for v in items]
        return tuple(seq) if t == "tuple" else seq
    if t == "dict":
        items = tree.get("items")
        if not isinstance(items, dict) or len(items) > MAX_ITEMS:
            raise WireError("malformed dict")
        return {str(k): decode_reply(v, folder, depth + 1) for k, v in items.items()}
    if t == "array":
        return Array(load_array(folder, tree.get("file")), str(tree.get("kind")))
    if t == "other":
        return Other(str(tree.get("type"))[:200])
    raise WireError(f"unknown tag {t!r}")


def load_array(folder: Path, name: Any) -> np.ndarray:
    if not isinstance(name, str) or not _NPY_NAME.fullmatch(name):
        raise WireError(f"bad array file name {name!r}")
    path = folder / name
    if path.is_symlink() or not path.is_file():
        raise WireError(f"array file {name} is missing")
    if path.stat().st_size > MAX_ARRAY_BYTES:
        raise WireError(f"array file {name} is over {MAX_ARRAY_BYTES >> 20} MiB")
    a = np.load(path, allow_pickle=False)
    if not isinstance(a, np.ndarray) or a.dtype.kind not in "biuf":
        raise WireError(f"array file {name} holds no numeric array")
    return a


def decode_inputs(tree: Any, folder: Path, make_array: Callable[[np.ndarray], Any],
                  make_fn: Callable[[str, dict], Any]) -> Any:
    """Case inputs, in the child: arrays through `make_array`, Fn markers through `make_fn`."""
    t = tree["t"]
    if t == "none":
        return None
    if t in ("bool", "int", "str"):
        return tree["v"]
    if t == "float":
        return _float_in(tree["v"])
    if t in ("tuple", "list"):
        seq = [decode_inputs(v, folder, make_array, make_fn) for v in tree["items"]]
        return tuple(seq) if t == "tuple" else seq
    if t == "dict":
        return {k: decode_inputs(v, folder, make_array, make_fn) for k, v in tree["items"].items()}
    if t == "array":
        return make_array(load_array(folder, tree["file"]))
    if t == "fn":
        return make_fn(tree["name"], tree["params"])
    raise WireError(f"unknown input tag {t!r}")
