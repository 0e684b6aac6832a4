"""Ops as they travel: JSON lines, checksummed, optionally signed, and checked field by field when read.

Everything read from a shared folder or a bundle is untrusted: a file can be cut short by a pulled
USB stick, damaged by a network drive, or edited by hand. So a file is read whole, its checksum
(and signature, when the team has a signing key) checked before any op in it is used, and each op
checked for shape; a bad file is refused with its name and the reason, and nothing from it is
applied (``SyncFileError``). One bad file never stops the rest of a sync. A clock value must be a
date (2000 to the end of 9999, ``store.hlc``): the encoding reaches the year 318857, and a file
carrying that once stopped every laptop's sync without saying which file it was.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable
from json.scanner import make_scanner
from typing import Any

from qa_desktop.store.hlc import LATEST_MS, Hlc, is_date_ms
from qa_desktop.store.oplog import OpRecord

_NAME = re.compile(r"[a-z][a-z0-9_]{0,59}")
_ID_MAX = 36
_ACTOR_MAX = 120
_BASE_MAX = 1000
_HEX64 = re.compile(r"[0-9a-f]{64}")
_SEALED_MAX = 64 * 1024 * 1024


class SyncFileError(Exception):
    """A file that cannot be used, named, with the reason in words."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


#: Entity and field names seen to be well formed (``_NAME``): a pull checks the same few names on every
#: op. Bounded, since the names come from outside.
_GOOD_NAMES: set[str] = set()
_GOOD_NAMES_MAX = 4096


def _good_name(value: Any) -> bool:
    if type(value) is not str:
        return False
    if value in _GOOD_NAMES:
        return True
    if not _NAME.fullmatch(value):
        return False
    if len(_GOOD_NAMES) < _GOOD_NAMES_MAX:
        _GOOD_NAMES.add(value)
    return True


def _good_id(value: Any) -> bool:
    return type(value) is str and 0 < len(value) <= _ID_MAX


def _plain_op(item: Any) -> OpRecord | None:
    """``op_from_wire`` for an op that passes every one of its checks in their plainest form (JSON's own
    types, each read once): a pull checks every op it receives, and the checks were a tenth of it
    (issue 22). ``None`` for anything else, which ``op_from_wire`` then checks one by one as before (and
    says what is wrong): this never accepts what those checks refuse."""
    if type(item) is not dict:
        return None
    get = item.get
    op_id, entity_id, device_id, actor, hlc = get("op_id"), get("entity_id"), get("device_id"), get("actor"), get("hlc")
    if not (_good_id(op_id) and _good_id(entity_id) and _good_id(device_id) and _good_name(get("entity"))
            and _good_name(get("field")) and type(actor) is str and len(actor) <= _ACTOR_MAX and type(hlc) is str):
        return None
    try:
        if not is_date_ms(Hlc.wall_of(hlc)):  # ``Hlc.parse(hlc).is_date``
            return None
    except ValueError:
        return None
    base, wall, dseq, chain, vhash, sealed = (get("base"), get("wall"), get("dseq"), get("chain"), get("vhash"),
                                              get("sealed"))
    if base is not None and not (type(base) is list and len(base) <= _BASE_MAX and all(map(_good_id, base))):
        return None
    if wall is not None and not (type(wall) is int and 0 <= wall <= LATEST_MS):
        return None
    if dseq is not None and not (type(dseq) is int and 0 < dseq < 2**62):
        return None
    if chain is not None and not (type(chain) is str and _HEX64.fullmatch(chain)):
        return None
    if vhash is not None and not (type(vhash) is str and _HEX64.fullmatch(vhash)):
        return None
    if sealed is not None and not (type(sealed) is str and len(sealed) <= _SEALED_MAX):
        return None
    return OpRecord(item["op_id"], item["entity"], item["entity_id"], item["field"], get("value"), hlc,
                    item["device_id"], actor, tuple(base) if base is not None else None, wall, dseq, chain, vhash,
                    sealed)


#: JSON's own scanner (C), as ``json.loads`` runs it: one value from a place in a text.
_SCAN: Callable[[str, int], tuple[Any, int]] = make_scanner(json.JSONDecoder())  # type: ignore[arg-type]  # typeshed's stub


def json_line(text: str) -> Any:
    """``json.loads(text)`` for one op's line: a pull reads a line per change it receives, and the
    decoder's steps around its scanner (skipping white space before and after, its checks) were much
    of that (issue 22). A line that is one JSON value from its first character to its last is read by
    the scanner alone; anything else (white space around it, a byte-order mark, damage) goes to
    ``json.loads``, which gives what it always gave, or its error in its words (a test holds the two
    equal)."""
    try:
        value, end = _SCAN(text, 0)
    except Exception:  # noqa: BLE001 (``json.loads`` below says what is wrong, in its words)
        return json.loads(text)
    return value if end == len(text) else json.loads(text)


def json_bytes(data: bytes) -> Any:
    """``json.loads(data)`` for one op's UTF-8 JSON (a PostgreSQL row): text that starts ``{"`` is read as
    UTF-8, as ``json.loads`` reads it (no byte-order mark, no zero byte: ``json.detect_encoding``'s
    choice), then as ``json_line``; anything else goes to ``json.loads`` (a test holds them equal)."""
    if data[:2] == b'{"':
        try:
            text = data.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return json.loads(data)
        return json_line(text)
    return json.loads(data)


def op_from_wire(item: Any) -> OpRecord:
    """An op read from outside, or ``ValueError`` saying what is wrong with it."""
    plain = _plain_op(item)
    return plain if plain is not None else _checked_op(item)


def _checked_op(item: Any) -> OpRecord:
    """``op_from_wire`` check by check, saying what is wrong."""
    if not isinstance(item, dict):
        raise ValueError("an op is not a JSON object")
    for name in ("op_id", "entity_id", "device_id"):
        value = item.get(name)
        if not isinstance(value, str) or not value or len(value) > _ID_MAX:
            raise ValueError(f"op has a bad {name}")
    for name in ("entity", "field"):
        value = item.get(name)
        if not isinstance(value, str) or not _NAME.fullmatch(value):
            raise ValueError(f"op has a bad {name}")
    actor = item.get("actor")
    if not isinstance(actor, str) or len(actor) > _ACTOR_MAX:
        raise ValueError("op has a bad actor")
    hlc = item.get("hlc")
    if not isinstance(hlc, str):
        raise ValueError("op has no clock")
    stamp = Hlc.parse(hlc)
    if not stamp.is_date:  # the encoding reaches the year 318857: no date type holds that
        raise ValueError(f"op has a clock value that cannot be a date (the year {_year(stamp.wall_ms)})")
    base = item.get("base")
    if base is not None and (not isinstance(base, list) or len(base) > _BASE_MAX
                             or not all(isinstance(b, str) and 0 < len(b) <= _ID_MAX for b in base)):
        raise ValueError("op has a bad base")
    wall = item.get("wall")
    if wall is not None and (isinstance(wall, bool) or not isinstance(wall, int) or not 0 <= wall <= LATEST_MS):
        raise ValueError("op has a bad wall time")
    dseq = item.get("dseq")
    if dseq is not None and (isinstance(dseq, bool) or not isinstance(dseq, int) or not 0 < dseq < 2**62):
        raise ValueError("op has a bad place in its chain")
    links = [item.get(name) for name in ("chain", "vhash")]
    if any(v is not None and (not isinstance(v, str) or not _HEX64.fullmatch(v)) for v in links):
        raise ValueError("op has a bad chain link")
    sealed = item.get("sealed")
    if sealed is not None and (not isinstance(sealed, str) or len(sealed) > _SEALED_MAX):
        raise ValueError("op has a bad sealed value")
    return OpRecord(item["op_id"], item["entity"], item["entity_id"], item["field"], item.get("value"), hlc,
                    item["device_id"], actor, tuple(base) if base is not None else None, wall, dseq,
                    links[0], links[1], sealed)


def _year(wall_ms: int) -> int:
    """About the year a clock value falls in, however far out (in words for a refused file)."""
    return 1970 + wall_ms // 31_556_952_000  # a mean Gregorian year in ms


def encode_ops(ops: Iterable[OpRecord]) -> bytes:
    return b"".join(json.dumps(op.wire_dict(), ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
                    for op in ops)


def decode_ops(data: bytes, name: str) -> list[OpRecord]:
    ops = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SyncFileError(name, "is not text (damaged?)") from None
    for number, line in enumerate(text.split("\n"), start=1):  # not splitlines: U+2028 in a note is text
        if not line.strip():
            continue
        try:
            ops.append(op_from_wire(json_line(line)))
        except ValueError as error:  # json.JSONDecodeError is a ValueError
            raise SyncFileError(name, f"change {number} is unreadable ({error})") from None
    return ops


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def signature(key: str, *parts: str) -> str:
    """HMAC-SHA256 of the parts, with the team's signing key (from the keyring)."""
    return hmac.new(key.encode(), "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def check_signature(name: str, key: str | None, given: Any, *parts: str) -> None:
    """With a team key, a file must carry a matching signature; without one, signatures are not checked
    (the checksum still catches damage)."""
    if key is None:
        return
    if not isinstance(given, str):
        raise SyncFileError(name, "is not signed with your team's sync key; it was not used")
    if not hmac.compare_digest(given, signature(key, *parts)):
        raise SyncFileError(name, "has a signature that does not match your team's sync key "
                                  "(changed after it was written?); it was not used")
