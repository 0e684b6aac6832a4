"""An arriving op's checks (``sync.wire``): the quick path a pull takes for plain, well-formed ops
(issue 22) accepts exactly what the checks one by one accept, and gives the same op."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_desktop.store.hlc import Hlc
from qa_desktop.sync import sealing, wire

GOOD: dict[str, Any] = {
    "op_id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "entity": "answers", "entity_id": "a" * 36,
    "field": "value", "value": "met", "hlc": "0001763805600000:00003", "device_id": "d" * 36,
    "actor": "Alex Patel", "base": ["b" * 36], "wall": 1763805600000, "dseq": 7, "chain": "0" * 64,
    "vhash": "f" * 64, "sealed": "unit:key:AAAA",
}

#: Values each field might carry in a damaged or hand-edited file (and good ones).
ODD = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2, max_value=2**63), st.text(max_size=70),
                st.just(""), st.just("x" * 37), st.just("A" * 64), st.just("0" * 64), st.just("Answers"),
                st.just("0001763805600000:00003"), st.just("9999999999999999:00000"), st.just("1763805600000:3"),
                st.lists(st.text(max_size=40), max_size=3), st.floats(allow_nan=False), st.just({"a": 1}))


def _outcome(check: Any, item: Any) -> Any:
    try:
        return check(item)
    except ValueError as error:
        return ("refused", str(error))


@settings(max_examples=150, deadline=None)
@given(changes=st.dictionaries(st.sampled_from(sorted(GOOD)), ODD, max_size=4),
       dropped=st.sets(st.sampled_from(sorted(GOOD)), max_size=2))
def test_the_quick_path_accepts_what_the_checks_accept(changes: dict[str, Any], dropped: set[str]) -> None:
    item = {k: v for k, v in {**GOOD, **changes}.items() if k not in dropped}
    checked = _outcome(wire._checked_op, item)
    quick = wire._plain_op(item)
    if quick is not None:
        assert quick == checked  # the same op, field by field
    assert _outcome(wire.op_from_wire, item) == checked


def test_a_plain_op_takes_the_quick_path_and_a_damaged_one_is_named() -> None:
    assert wire._plain_op(GOOD) == wire._checked_op(GOOD)
    assert wire._plain_op([GOOD]) is None
    with pytest.raises(ValueError, match="bad field"):
        wire.op_from_wire({**GOOD, "field": "Value"})
    with pytest.raises(ValueError, match="cannot be a date"):
        wire.op_from_wire({**GOOD, "hlc": "9999999999999999:00000"})


@pytest.mark.parametrize("text", ["0001763805600000:00003", "1763805600000:3", "0001763805600000-00003",
                                  "00017638056000x0:00003", ""])
def test_wall_of_is_the_parsed_wall_part(text: str) -> None:
    try:
        expected: Any = Hlc.parse(text).wall_ms
    except ValueError:
        expected = ValueError
    if expected is ValueError:
        with pytest.raises(ValueError):
            Hlc.wall_of(text)
    else:
        assert Hlc.wall_of(text) == expected


def _loads(data: bytes) -> Any:
    try:
        return json.loads(data)
    except ValueError as error:
        return ("refused", type(error))


def _json_of(data: bytes) -> Any:
    try:
        return sealing.json_of(data)
    except ValueError as error:
        return ("refused", type(error))


@settings(max_examples=150, deadline=None)
@given(value=st.one_of(st.text(), st.lists(st.text(), max_size=2), st.none(), st.integers()),
       junk=st.binary(max_size=12))
def test_an_opened_value_reads_as_the_json_decoder_reads_it(value: Any, junk: bytes) -> None:
    sealed = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    assert sealing.json_of(sealed) == json.loads(sealed)
    for data in (b'"' + junk + b'"', junk):
        assert _json_of(data) == _loads(data)


def _read(reader: Any, data: Any) -> Any:
    try:
        return ("read", reader(data))
    except Exception as error:  # noqa: BLE001 (the same error, in the same words, is what is compared)
        return ("refused", type(error), str(error))


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                   max_size=3), max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(value=JSONISH, before=st.sampled_from(["", " ", "\ufeff", "\t"]), after=st.sampled_from(["", " ", "\r", "x"]),
       cut=st.integers(min_value=0, max_value=3), junk=st.binary(max_size=12))
def test_a_line_reads_as_the_json_decoder_reads_it(value: Any, before: str, after: str, cut: int,
                                                    junk: bytes) -> None:
    """``json_line`` and ``json_bytes`` (a pull's read of each change) give what ``json.loads`` gives,
    or refuse with its error in its words: a value, white space or a byte-order mark around it, a line
    cut short, other bytes."""
    line = before + json.dumps(value, ensure_ascii=False) + after
    for text in (line, line[:len(line) - cut], json.dumps(value)):
        assert _read(wire.json_line, text) == _read(json.loads, text)
        for data in (text.encode(), text.encode("utf-16"), text.encode() + junk, b'{"' + junk):
            assert _read(wire.json_bytes, data) == _read(json.loads, data)


def test_a_sealed_change_as_it_is_pushed_is_read_whole() -> None:
    data = json.dumps(GOOD, ensure_ascii=False).encode()
    assert wire.json_bytes(data) == GOOD == wire.json_line(data.decode())
    assert wire.op_from_wire(wire.json_bytes(data)) == wire._checked_op(GOOD)


_PLAIN = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["met", "not_met", "é", "1", "true"]),
                   st.floats(allow_nan=False), st.lists(st.integers(0, 2), max_size=2),
                   st.dictionaries(st.sampled_from(["a", "b"]), st.integers(0, 1), max_size=2))


@given(st.lists(_PLAIN, max_size=12))
@settings(max_examples=100, deadline=None)
def test_a_remembered_bind_processor_gives_what_the_processor_gives(values: list[Any]) -> None:
    """``store.rows._remembering``: each value's bound form is the column's processor's (an answer's JSON,
    a flag, a time), in any order and again; ``True`` and ``1``, ``False`` and ``0`` stay apart."""
    from sqlalchemy.dialects import sqlite

    from qa_desktop.store.models import Answer, Visit
    from qa_desktop.store.rows import _remembering

    dialect = sqlite.dialect()
    for column in (Answer.__table__.c.value, Visit.__table__.c.deleted):
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        remembered = _remembering(process)
        assert process is not None and remembered is not None
        for value in [*values, True, 1, False, 0, *values]:
            if column.name == "deleted" and value not in (None, True, False):  # (0 and 1 are equal to them)
                continue
            got, want = remembered(value), process(value)
            assert got == want and type(got) is type(want)
    assert _remembering(None) is None
