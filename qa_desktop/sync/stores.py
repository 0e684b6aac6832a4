"""The one interface every shared store offers the sync engine: push ops, pull ops after a cursor,
and move photos by their hash. The folder, PostgreSQL and bundle stores implement it, so the merge
code, the UI and the CLI never know which one they talk to.

A store that keeps each device's ops in numbered files the device writes itself (the shared
folder) is a ``SegmentedStore``: the engine numbers those files from its own record, checks them
on every sync and writes again any that went missing or were damaged; each laptop says who uses it
and which files it could not read (``PeerReport``), so the others can name it and heal what it
lacks. PostgreSQL keeps ops in one table under a server sequence and needs none of that.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from qa_desktop.store.oplog import OpRecord
from qa_desktop.sync.sealing import TeamKey


class StoreUnavailable(Exception):
    """The shared store cannot be reached or used now; the message says what to do. Nothing is lost:
    changes wait on the laptop for the next sync."""


@dataclass(frozen=True)
class FileProblem:
    """A file a laptop could not read on its last sync, as it tells the other laptops."""

    file: str              # as the store names it: "devices/<id>/00000007.ops", "blobs/ab/<sha256>"
    reason: str            # in words: "is damaged or incomplete (its checksum does not match)"
    at: str = ""           # when it was first found so (ISO, the reporting laptop's clock)
    device: str | None = None  # a change file: whose it is and its number
    number: int | None = None
    photo: str | None = None   # a photo: its hash


@dataclass(frozen=True)
class PeerReport:
    """Another laptop, as it describes itself in the shared store: who uses it and what it could not read."""

    device_id: str
    user: str | None                      # None: it has not said (a version from before it did)
    problems: tuple[FileProblem, ...] = ()


@dataclass(frozen=True)
class Written:
    """A change file as written: its size and the sha256 of all its bytes (what later checks compare)."""

    size: int
    sha256: str


@dataclass
class Pulled:
    """One batch from the store. ``cursor`` is where the next pull starts once this batch is applied;
    the engine saves it in the same transaction as the batch."""

    ops: list[OpRecord]
    cursor: str
    problems: list[str] = field(default_factory=list)
    done: int = 0   # for progress: batches or files read so far
    total: int = 0  # and how many there are in this pull
    #: The files in ``problems``, by name and reason, for this laptop's report to the others.
    unreadable: list[FileProblem] = field(default_factory=list)
    #: Where the batch came from, for people ("changes/<id>/00000007.ops"); empty: the store's label.
    source: str = ""


class SharedStore(ABC):
    #: Stable identity of the store (not its path, which differs between laptops): cursors and
    #: "received from" marks are kept per key.
    key: str
    #: For people: "shared folder /mnt/qa", "PostgreSQL qa@db.example:5432/qa".
    label: str
    #: The team key that seals everything in the store (``sync.sealing``); ``None`` for a store that
    #: is sealed as a whole (a bundle) or a plain one from before (``legacy``), whose photos are
    #: named by their hash and whose values travel as they are.
    team: TeamKey | None = None

    @abstractmethod
    def push(self, device_id: str, ops: list[OpRecord]) -> None:
        """Append ops; pushing an op the store already has changes nothing."""

    @abstractmethod
    def pull(self, cursor: str | None, own_device: str) -> Iterator[Pulled]:
        """Batches of ops written after ``cursor`` (ops the caller pushed itself may be skipped)."""

    @abstractmethod
    def missing_blobs(self, digests: Iterable[str]) -> set[str]:
        """Which of these photos the store does not have."""

    @abstractmethod
    def put_blob(self, digest: str, data: bytes) -> None:
        """Store a photo whole or not at all."""

    @abstractmethod
    def get_blob(self, digest: str) -> bytes | None:
        """The photo's bytes, checked against its hash; ``None`` if the store does not have it (yet).

        Raises ``SyncFileError`` if the store's copy is damaged."""

    def close(self) -> None:  # noqa: B027 (optional: a store holding nothing open keeps this no-op)
        pass

    # -- a sealed store's record keys (``sync.records``); a store with no team key holds none -----------

    def record_key_ids(self) -> set[str]:
        """The record keys the store holds, as ``unit:key_id``."""
        return set()

    def put_record_keys(self, keys: list[tuple[str, str, bytes]]) -> None:  # noqa: B027 (none to keep)
        """Keep record keys, wrapped under the team key: ``(unit, key_id, wrapped)``."""

    def get_record_keys(self, units: set[str]) -> list[tuple[str, str, bytes]]:
        """The wrapped keys of these records."""
        return []

    def shredded_units(self) -> set[str]:
        """The records whose keys were destroyed under retention."""
        return set()

    def shred(self, units: set[str]) -> None:  # noqa: B027 (none to destroy)
        """Destroy these records' keys, leaving a marker that says so."""

    def delete_blobs(self, names: Iterable[str]) -> int:
        """Remove photos (retention); how many were there."""
        return 0

    def legacy(self) -> SharedStore | None:
        """The plain store this one was converted from, while it still holds files to read (then clear)."""
        return None

    # -- invitations for a laptop joining the team (``sync.team``) -----------------------------------

    def put_invitation(self, invite_id: str, data: bytes) -> None:
        raise PermissionError(f"The {self.label} cannot hold invitations.")

    def invitations(self) -> list[tuple[str, bytes]]:
        return []

    def remove_invitation(self, invite_id: str) -> None:  # noqa: B027 (none to remove)
        """Remove an invitation once used, or expired."""


class SegmentedStore(SharedStore):
    """A store where each device writes its ops to numbered files of its own (the shared folder).

    The engine, not the store, chooses the numbers (from its own record, never from a listing: a
    number is never used twice, even when someone deletes a file) and remembers which ops each file
    holds, so it can write a file again, under the same number, when it goes missing or is damaged.
    Readers keep the set of numbers they have read, so a file written again is read only by those
    that had not read it."""

    def push(self, device_id: str, ops: list[OpRecord]) -> None:
        raise NotImplementedError("change files are numbered by the sync engine: use write_segment")

    @property
    @abstractmethod
    def segment_ops(self) -> int:
        """The most ops one file holds."""

    @property
    def segment_bytes(self) -> int:
        """About how large one file's ops may be (JSON, before compression): a new file starts past it."""
        return 16 * 1024 * 1024

    @abstractmethod
    def write_segment(self, device_id: str, number: int, ops: list[OpRecord]) -> Written:
        """Write (or write again) file ``number`` of ``device_id`` with these ops, whole or not at all."""

    @abstractmethod
    def own_segments(self, device_id: str) -> dict[int, int]:
        """The numbers of ``device_id``'s files in the store now, with their sizes (a listing, no reads)."""

    @abstractmethod
    def read_own_segment(self, device_id: str, number: int) -> tuple[list[OpRecord], Written]:
        """The ops of one of ``device_id``'s files, checked, and what it is; ``SyncFileError`` if unusable."""

    @abstractmethod
    def segment_digest(self, device_id: str, number: int) -> str | None:
        """The sha256 of all the bytes of a file now (``None``: it is not there)."""

    @abstractmethod
    def segment_name(self, device_id: str, number: int) -> str:
        """A file's name for people, the same on every laptop: "devices/<id>/00000007.ops"."""

    @abstractmethod
    def blob_name(self, digest: str) -> str:
        """A photo's name for people, the same on every laptop."""

    @abstractmethod
    def peer_reports(self, own_device: str) -> list[PeerReport]:
        """Every other laptop that writes to the store: who uses it, and what it could not read."""

    @abstractmethod
    def publish(self, device_id: str, user: str, problems: list[FileProblem]) -> None:
        """Say, in this device's own place, who uses it and what it could not read on its last sync."""
