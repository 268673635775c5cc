"""Plain data across the boundary: no pickle, malformed replies refused."""

from __future__ import annotations

import json

import numpy as np
import pytest

from grader import wire


def test_round_trip_of_nested_values(tmp_path):
    enc = wire.Encoder(tmp_path)
    tree = enc.encode((np.arange(3.0), {"a": 1.5, "b": [np.int64(2), None, True]}))
    back = wire.decode_reply(json.loads(json.dumps(tree)), tmp_path)
    assert isinstance(back, tuple) and isinstance(back[0], wire.Array)
    np.testing.assert_array_equal(back[0].value, np.arange(3.0))
    assert back[1]["a"].value == 1.5 and back[1]["b"][0].value == 2 and back[1]["b"][1] is None


def test_nan_and_inf_floats_survive_json(tmp_path):
    enc = wire.Encoder(tmp_path)
    tree = json.loads(json.dumps(enc.encode([float("nan"), float("-inf")])))
    back = wire.decode_reply(tree, tmp_path)
    assert np.isnan(back[0].value) and back[1].value == float("-inf")


def test_object_arrays_are_not_sent(tmp_path):
    tree = wire.Encoder(tmp_path).encode(np.array([object()], dtype=object))
    assert tree["t"] == "other"


def test_every_numeric_dtype_and_shape_comes_back_as_sent(tmp_path):
    values = [np.arange(6.0).reshape(2, 3), np.array(True), np.array([1, 2], dtype=">i4"),
              np.zeros((0, 3), np.float32), np.arange(8, dtype=np.float16)[::2],
              np.asfortranarray(np.arange(6.0).reshape(2, 3)), np.uint8(7) + np.zeros((2, 2, 2), np.uint8)]
    enc = wire.Encoder(tmp_path)
    trees = [json.loads(json.dumps(enc.encode(v))) for v in values]
    enc.close()
    for value, tree in zip(values, trees):
        back = wire.decode_reply(tree, tmp_path).value
        assert back.dtype == value.dtype and back.shape == value.shape
        np.testing.assert_array_equal(back, value)
        back[...] = 0  # a fresh, writable array: nothing shared with the file's buffer


def test_in_memory_encoding_reads_back_through_preloaded_inputs(monkeypatch):
    enc = wire.Encoder(None)
    tree = enc.encode((np.arange(4.0), {"k": np.ones(2, np.float32)}))
    monkeypatch.setitem(wire.PRELOADED, "inputs-0", enc.getvalue())
    arrays = wire.ArrayFile.preloaded("inputs-0")
    args = wire.decode_inputs(tree, arrays, lambda a: a, lambda n, p: None)
    np.testing.assert_array_equal(args[0], np.arange(4.0))
    assert args[1]["k"].dtype == np.float32
    with pytest.raises(wire.WireError):
        wire.ArrayFile.preloaded("inputs-9")


@pytest.mark.parametrize("entry", [
    {"at": 0, "dtype": "|O", "shape": [1]},           # object arrays: never
    {"at": 0, "dtype": "<U4", "shape": [1]},          # strings: not numbers
    {"at": 0, "dtype": "<f8", "shape": [100]},        # runs past the end of the file
    {"at": 16, "dtype": "<f8", "shape": [1]},         # starts past the end
    {"at": -8, "dtype": "<f8", "shape": [1]},
    {"at": 0, "dtype": "<f8", "shape": [-1]},
    {"at": 0, "dtype": "<f8", "shape": "2"},
    {"at": 0, "dtype": "<f8", "shape": [1] * 40},
    {"at": "0", "dtype": "<f8", "shape": [1]},
    {"at": 0, "dtype": "<f8", "shape": [1 << 40, 1 << 40]},  # a size that overflows nothing
])
def test_array_entries_that_do_not_fit_the_file_are_refused(tmp_path, entry):
    (tmp_path / wire.ARRAYS).write_bytes(np.arange(2.0).tobytes())
    with pytest.raises(wire.WireError):
        wire.decode_reply({"t": "array", "kind": "native", **entry}, tmp_path)


def test_a_link_in_place_of_the_array_file_is_refused(tmp_path):
    (tmp_path / "secret").write_bytes(np.arange(2.0).tobytes())
    (tmp_path / wire.ARRAYS).symlink_to(tmp_path / "secret")
    with pytest.raises(wire.WireError):
        wire.decode_reply({"t": "array", "kind": "native", "at": 0, "dtype": "<f8", "shape": [2]},
                          tmp_path)


@pytest.mark.parametrize("tree", [[], {"t": "weird"}, {"t": "int", "v": "3"},
                                  {"t": "float", "v": "1e309x"}, {"t": "list", "items": 3}])
def test_malformed_replies_are_refused(tmp_path, tree):
    with pytest.raises(wire.WireError):
        wire.decode_reply(tree, tmp_path)


def test_oversized_json_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(wire, "MAX_JSON_BYTES", 10)
    (tmp_path / "r.json").write_text(json.dumps({"t": "str", "v": "x" * 100}))
    with pytest.raises(wire.WireError):
        wire.read_json(tmp_path / "r.json")
