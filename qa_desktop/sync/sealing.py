"""The shared store's cryptography: what every laptop of the team can open and nobody else can.

**The team key.** A random 256-bit key made when a shared store is set up (``TeamKey.new``), kept
only in the team's laptops' keyrings (``sync.team``), never in the store or a settings file. Every
piece of the store is sealed with AES-256-GCM under a key derived from it (HKDF-SHA256, one per
purpose, bound to the store's id), with what it must not be moved away from bound in as associated
data: a change file to its laptop and number, a photo to its name. A changed, swapped or damaged
piece is refused, never used. What stays readable is listed in ``IN_CLEAR`` (the README says it).

**Record keys (crypto-shredding).** The values of records the retention policy deletes (a visit
with its answers, notes, photos, actions and reports; a case; an action plan; an embargo; an
alert) are sealed a second time, under a random key of their own record (``RecordKey``), which the
store keeps wrapped under the team key. Retention destroys that key everywhere (in the store, a
"shredded" marker in its place; on every laptop at its next sync): every copy of the record's
old changes, in change files no one can rewrite (a retired laptop's), in a sync client's version
history, in an old PostgreSQL backup, is then noise, while the rest of the log stays whole and
checkable. ``sync.records`` says which record a change belongs to and keeps the keys.

**Invitations.** A laptop joins the team by taking the team key from an invitation another laptop
of the team made: the key sealed under a one-time code (12 letters, 60 bits, stretched with
scrypt, as a bundle's code) that the officer reads out or types, never sent with it. In the
shared store (``invites/``, or a table) or in a file for a USB stick; it is removed once used, and
refused after ``INVITE_DAYS``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
#: An invitation (a team key sealed under a one-time code) is refused after this many days.
INVITE_DAYS = 7
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud or copied by hand
CODE_LENGTH = 12

#: What the shared store holds in the clear, for the README and the scan test: ids and numbers that
#: name nothing about a child, a provider or an officer.
IN_CLEAR = (
    "the store's id and format, and a check value that tells a wrong team key from damage",
    ("each laptop's device id (a random UUID), the numbers and sizes of its change files, how many "
    "changes each holds, and the SHA-256 of the sealed bytes"),
    "on PostgreSQL: each change's id (a random UUID), the device that sent it and when the server received it",
    "the id (a random UUID) of each record whose values have a record key, and whether that key was destroyed",
    "photos' names, which are keyed hashes (HMAC) no one without the team key can match to a photo",
    "invitations' ids and expiry dates",
)


class SealError(ValueError):
    """Sealed bytes that cannot be opened with this key: changed, damaged, or of another team."""


def new_code() -> str:
    """A one-time code for people: ``7KQ2-M9XD-4PTA`` (60 bits)."""
    letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(letters[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def _derive(key: bytes, purpose: str, store_id: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                info=f"qa-desktop shared store v2|{purpose}|{store_id}".encode()).derive(key)


def _seal(key: bytes, data: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, data, aad)


def _open(key: bytes | AESGCM, sealed: bytes, aad: bytes) -> bytes:
    """``sealed`` opened with ``key`` (or its cipher, made once for a key that opens many values)."""
    if len(sealed) < NONCE_BYTES + TAG_BYTES:
        raise SealError("too short to be sealed")
    try:
        cipher = key if isinstance(key, AESGCM) else AESGCM(key)
        return cipher.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
    except InvalidTag:
        raise SealError("cannot be opened with this key (changed, damaged, or of another team)") from None


class TeamKey:
    """The team key of one shared store, and the keys derived from it for each purpose."""

    PURPOSES = ("changes", "photos", "names", "records", "notes", "check")

    def __init__(self, secret: bytes, store_id: str) -> None:
        if len(secret) != KEY_BYTES:
            raise ValueError("a team key is 32 bytes")
        self.secret = secret
        self.store_id = store_id
        self._keys = {purpose: _derive(secret, purpose, store_id) for purpose in self.PURPOSES}
        #: Each purpose's cipher, made once (PostgreSQL's pull opens one sealed row per change).
        self._ciphers = {purpose: AESGCM(key) for purpose, key in self._keys.items()}

    @classmethod
    def new(cls, store_id: str) -> TeamKey:
        return cls(secrets.token_bytes(KEY_BYTES), store_id)

    def check_value(self) -> str:
        """Kept in the store beside its id: tells a laptop holding another team's key (or a damaged
        one) from a damaged file, before it tries to read anything."""
        return hmac.new(self._keys["check"], b"qa-desktop team key check", hashlib.sha256).hexdigest()[:32]

    def matches(self, check: str) -> bool:
        return hmac.compare_digest(self.check_value(), check)

    def seal(self, purpose: str, data: bytes, aad: str) -> bytes:
        return _seal(self._keys[purpose], data, aad.encode())

    def open(self, purpose: str, sealed: bytes, aad: str) -> bytes:
        return _open(self._ciphers[purpose], sealed, aad.encode())

    def seal_json(self, purpose: str, value: object, aad: str) -> bytes:
        """A small JSON document sealed, as bytes to write (a laptop's ``device.json``)."""
        return b"QAS2" + self.seal(purpose, json.dumps(value, ensure_ascii=False).encode(), aad)

    def open_json(self, purpose: str, data: bytes, aad: str) -> object:
        if not data.startswith(b"QAS2"):
            raise SealError("not a sealed document")
        return json.loads(self.open(purpose, data[4:], aad))

    def photo_name(self, digest: str, unit: str | None) -> str:
        """A photo's name in the store: a keyed hash of the photo's own hash and its record, so the
        store cannot tell which photo it is, or that two records hold the same one."""
        return hmac.new(self._keys["names"], f"{unit or ''}|{digest}".encode(), hashlib.sha256).hexdigest()

    def wrap(self, record_key: RecordKey) -> bytes:
        """A record key as the store keeps it: sealed under the team key, bound to its record."""
        return self.seal("records", record_key.secret, f"{record_key.unit}|{record_key.key_id}")

    def unwrap(self, unit: str, key_id: str, wrapped: bytes) -> RecordKey:
        return RecordKey(unit, key_id, self.open("records", wrapped, f"{unit}|{key_id}"))


@dataclass(frozen=True)
class RecordKey:
    """The key of one record's values (``unit``: the record's id), one of possibly several (two
    laptops that each started sealing the record before they met make one each: ``key_id``)."""

    unit: str
    key_id: str
    secret: bytes

    @classmethod
    def new(cls, unit: str) -> RecordKey:
        return cls(unit, secrets.token_hex(8), secrets.token_bytes(KEY_BYTES))

    @property
    def ref(self) -> str:
        return f"{self.unit}:{self.key_id}"

    def seal_value(self, value: object, aad: str) -> str:
        """A change's value sealed under this record's key: ``unit:key_id:base64``."""
        data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        return f"{self.ref}:" + base64.b64encode(_seal(self.secret, data, aad.encode())).decode("ascii")

    def seal_bytes(self, data: bytes, aad: str) -> bytes:
        return _seal(self.secret, data, aad.encode())

    def open_bytes(self, sealed: bytes, aad: str) -> bytes:
        return _open(self.secret, sealed, aad.encode())

    def open_value(self, sealed: str, aad: str) -> object:
        body = sealed.rsplit(":", 1)[-1]
        try:
            raw = base64.b64decode(body, validate=True)
        except ValueError:
            raise SealError("not a sealed value") from None
        return json_of(_open(self._cipher, raw, aad.encode()))

    @functools.cached_property
    def _cipher(self) -> AESGCM:
        """The cipher of this key, made once: a pull opens a value per change (issue 22)."""
        return AESGCM(self.secret)


#: A JSON text that is a string with nothing escaped and no control character: its own value.
_PLAIN_TEXT = re.compile(rb'"[^"\\\x00-\x1f]*"')


def json_of(data: bytes) -> Any:
    """``json.loads(data)``; a plain string (nearly every answer of a pull: a value per change opened,
    issue 22) is read without the decoder, as it gives it (a test holds the two equal)."""
    if _PLAIN_TEXT.fullmatch(data):
        try:
            return data[1:-1].decode("utf-8")
        except UnicodeDecodeError:
            pass  # the decoder's reading of it (surrogates) or its words
    return json.loads(data)


def sealed_ref(sealed: str) -> tuple[str, str]:
    """The record and key id a sealed value names (``SealError`` when it names none)."""
    parts = sealed.split(":")
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise SealError("not a sealed value")
    return parts[0], parts[1]


# -- invitations ----------------------------------------------------------------------------------------

def _code_key(code: str, salt: bytes) -> bytes:
    return hashlib.scrypt(normalise_code(code).encode("ascii"), salt=salt, n=2**14, r=8, p=1, dklen=KEY_BYTES)


def seal_invitation(team: TeamKey, code: str, invite_id: str, expires: str) -> bytes:
    """The team key sealed under a one-time code, for a laptop joining the team."""
    salt = os.urandom(16)
    body = json.dumps({"store_id": team.store_id, "key": team.secret.hex()}).encode()
    header = json.dumps({"format": "qa-desktop-invitation", "version": 1, "id": invite_id, "expires": expires,
                         "salt": salt.hex()}).encode()
    return header + b"\n" + _seal(_code_key(code, salt), body, header)


def invitation_header(data: bytes) -> dict[str, str]:
    """What an invitation says in the clear: its id, expiry and salt (``SealError`` if it is not one)."""
    header, newline, _ = data.partition(b"\n")
    try:
        found = json.loads(header)
        if not newline or not isinstance(found, dict) or found.get("format") != "qa-desktop-invitation":
            raise ValueError
        bytes.fromhex(found["salt"])
        return {k: str(v) for k, v in found.items()}
    except (ValueError, KeyError, TypeError):
        raise SealError("not a QA Desktop invitation") from None


def open_invitation(data: bytes, code: str) -> TeamKey:
    """The team key in an invitation, opened with its code (``SealError``: a wrong code, or damaged)."""
    header_bytes, _, sealed = data.partition(b"\n")
    header = invitation_header(data)
    body = json.loads(_open(_code_key(code, bytes.fromhex(header["salt"])), sealed, header_bytes))
    return TeamKey(bytes.fromhex(body["key"]), str(body["store_id"]))
