"""The one interface every shared store offers the sync engine: push ops, pull ops after a cursor,
and move photos by their hash. The folder, PostgreSQL and bundle stores implement it, so the merge
code, the UI and the CLI never know which one they talk to.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from qa_desktop.store.oplog import OpRecord


class StoreUnavailable(Exception):
    """The shared store cannot be reached or used now; the message says what to do. Nothing is lost:
    changes wait on the laptop for the next sync."""


@dataclass
class Pulled:
    """One batch from the store. ``cursor`` is where the next pull starts once this batch is applied;
    the engine saves it in the same transaction as the batch."""

    ops: list[OpRecord]
    cursor: str
    problems: list[str] = field(default_factory=list)
    done: int = 0   # for progress: batches or files read so far
    total: int = 0  # and how many there are in this pull


class SharedStore(ABC):
    #: Stable identity of the store (not its path, which differs between laptops): cursors and
    #: "received from" marks are kept per key.
    key: str
    #: For people: "shared folder /mnt/qa", "PostgreSQL qa@db.example:5432/qa".
    label: str

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
