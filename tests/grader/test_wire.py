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


def test_a_pickled_file_is_refused(tmp_path):
    np.save(tmp_path / "0.npy", np.array([{"x": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError):
        wire.load_array(tmp_path, "0.npy")


@pytest.mark.parametrize("name", ["../x.npy", "/etc/passwd", "a.npy", 5, "0.npy/.."])
def test_array_file_names_cannot_escape(tmp_path, name):
    with pytest.raises(wire.WireError):
        wire.load_array(tmp_path, name)


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
