"""Canonical JSON and the hash-chain primitive, against published and hand-computed values."""

from __future__ import annotations

import hashlib
import math

import numpy as np

from prioritizer.audit.chain import (
    GENESIS,
    canonical,
    digest_of,
    link_hash,
    normalise,
    same_content,
    sha256_text,
)


def test_sha256_fips_180_2_appendix_b1_vector():
    """FIPS 180-2, Appendix B.1: SHA-256("abc")."""
    assert sha256_text("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_canonical_json_is_sorted_compact_utf8_and_has_no_nan():
    doc = {"b": 1, "a": [1.5, math.nan, "日本", math.inf], "c": {"z": None, "y": True}}
    assert canonical(doc) == '{"a":[1.5,null,"日本",null],"b":1,"c":{"y":true,"z":null}}'


def test_canonical_json_of_numpy_values_equals_plain_python():
    doc = {"w": np.float64(0.1), "n": np.int64(3), "v": np.array([1.0, 2.5]), "t": (1, 2), "s": {3, 1}}
    assert canonical(doc) == '{"n":3,"s":[1,3],"t":[1,2],"v":[1.0,2.5],"w":0.1}'
    assert normalise(np.bool_(True)) is True


def test_float_text_round_trips_exactly():
    x = 0.1 + 0.2  # 0.30000000000000004: the shortest text that gives back the same double
    assert canonical([x]) == "[0.30000000000000004]"


def test_link_hash_is_sha256_of_previous_hash_then_content():
    content = canonical({"run_id": "R000001"})
    assert content == '{"run_id":"R000001"}'
    want = hashlib.sha256(("0" * 64 + '{"run_id":"R000001"}').encode()).hexdigest()
    assert link_hash(GENESIS, content) == want
    assert digest_of({"run_id": "R000001"}) == hashlib.sha256(b'{"run_id":"R000001"}').hexdigest()


def test_the_plain_fast_path_writes_the_same_text_as_the_normalising_walk():
    """canonical() skips normalise() for plain JSON; for everything else it must fall back, so the
    text is always that of normalise(x) — hand-checked cases where a shortcut would differ."""
    import datetime as dt
    import enum

    import orjson

    class Colour(enum.Enum):
        RED = 1

    def walk(x):
        return orjson.dumps(normalise(x), option=orjson.OPT_SORT_KEYS).decode()

    cases = [
        {"b": [1.5, 1e-05, 1e-07, -0.0, 12345678901234567890], "a": "機密性2", "c": None, "d": True},
        {1: "int key", 10: "sorted as text", 2: "x"},  # "1" < "10" < "2"
        {True: "bool key"},  # "True", not JSON's "true"
        {"nan": float("nan"), "inf": float("inf")},
        {"np": np.float64(0.1), "i": np.int64(3), "arr": np.arange(3)},
        {"t": (1, 2), "s": {3, 1}, "d": dt.date(2026, 12, 1)},
        {"e": Colour.RED},
        [{"deep": [{"x": 1.0}]}] * 3,
    ]
    for x in cases:
        assert canonical(x) == walk(x), x
    assert canonical({1: "a", 10: "b", 2: "c"}) == '{"1":"a","10":"b","2":"c"}'
    assert canonical({"x": float("nan"), "y": -math.inf}) == '{"x":null,"y":null}'
    assert canonical({True: 1, "e": Colour.RED}) == '{"True":1,"e":1}'
    assert canonical({"d": dt.date(2026, 12, 1)}) == '{"d":"2026-12-01"}'


def test_float_notation_and_the_wide_integer_fallback():
    """Shortest round-trip digits in orjson's notation; an int beyond 64 bits (which orjson cannot
    write) takes the standard encoder for the whole text — either way the same value reads back."""
    import json

    assert canonical([1e-05, 1e-07, 1.5e16, 123456.0, 0.1]) == "[0.00001,1e-7,1.5e+16,123456.0,0.1]"
    wide = {"n": 2**70, "f": 1e-07}
    assert canonical(wide) == '{"f":1e-07,"n":1180591620717411303424}'
    for x in ([1e-05, 1e-07, 5e-324, 1.7976931348623157e308, -0.0], wide):
        assert json.loads(canonical(x)) == x


def test_same_content_accepts_the_earlier_float_notation_by_value_only():
    """Records written before the switch to orjson hold ``1e-07``; they still match the content
    rebuilt from their rows, and a changed value still does not."""
    import json

    old = json.dumps({"gap": 1e-07, "w": [0.25, 1e-05]}, sort_keys=True, separators=(",", ":"))
    assert old == '{"gap":1e-07,"w":[0.25,1e-05]}'
    assert old != canonical({"gap": 1e-07, "w": [0.25, 1e-05]})
    assert same_content(old, {"w": [0.25, 1e-05], "gap": 1e-07})
    assert not same_content(old, {"w": [0.25, 1e-05], "gap": 2e-07})
    assert not same_content("{not json", {"gap": 1e-07})
    # by value means by JSON value: true is not 1, and 1 is not 1.0
    assert not same_content('{"a":1,"gap":1e-07}', {"a": True, "gap": 1e-07})
    assert not same_content('{"a":1.0,"gap":1e-07}', {"a": 1, "gap": 1e-07})
    assert not same_content('{"a":[1e-07]}', {"a": [1e-07, 1e-07]})
