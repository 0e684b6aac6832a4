"""The PostgreSQL store, for a team that outgrows a shared folder (``postgresql+psycopg://...``).

Tables (created on first use; a DBA may create them beforehand and grant only what they need):

- ``qa_sync_ops``: the ops, with a server sequence ``seq`` that pull cursors follow, and ``op_id``
  unique so a push of an op the server already has is ignored (``ON CONFLICT DO NOTHING``);
- ``qa_sync_blobs``: photos by hash;
- ``qa_sync_meta``: the store's id.

A pull reads "everything after the last ``seq`` I saw". Sequence numbers are handed out when rows are
inserted, not when they commit, so two pushes running at once could commit out of order and a
reader could skip the lower number for good. Pushes therefore take ``LOCK TABLE ... IN EXCLUSIVE
MODE`` (writers queue for a moment; readers are never blocked), which makes ``seq`` order commit
order. A team's pushes are short, so the queue is short.

The password is not in the URL or any settings file: it comes from the OS keyring
(``credentials``) and is handed to the driver in memory only.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from qa_desktop.store.oplog import OpRecord, op_record
from qa_desktop.sync.stores import Pulled, SharedStore, StoreUnavailable
from qa_desktop.sync.wire import SyncFileError, digest

PULL_BATCH = 5000
PUSH_BATCH = 2000

metadata = MetaData()
sync_ops = Table(
    "qa_sync_ops", metadata,
    Column("seq", BigInteger, Identity(), primary_key=True),
    Column("op_id", String(36), nullable=False, unique=True),
    Column("entity", String(60), nullable=False),
    Column("entity_id", String(36), nullable=False),
    Column("field", String(60), nullable=False),
    Column("value", JSONB),
    Column("hlc", String(22), nullable=False),
    Column("device_id", String(36), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("base", JSONB),
    Column("wall", BigInteger),  # added after the first release: see ``_upgrade``
    Column("pushed_by", String(36), nullable=False),
    Column("pushed_at", DateTime(timezone=True), server_default=func.now(), nullable=False),
)
sync_blobs = Table(
    "qa_sync_blobs", metadata,
    Column("digest", String(64), primary_key=True),
    Column("data", LargeBinary, nullable=False),
)
sync_meta = Table(
    "qa_sync_meta", metadata,
    Column("key", String(60), primary_key=True),
    Column("value", Text, nullable=False),
)


def _upgrade(connection: Connection) -> None:
    """Bring tables made by an earlier version up to date (idempotent, run on every connect)."""
    connection.execute(text("ALTER TABLE qa_sync_ops ADD COLUMN IF NOT EXISTS wall BIGINT"))


def parse_url(url: str) -> URL:
    """A PostgreSQL URL without its password (refused if it carries one: passwords go in the keyring)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(f"{url!r} is not a database address like postgresql://user@server:5432/qa") from None
    if parsed.get_backend_name() != "postgresql":
        raise ValueError("Only PostgreSQL servers are supported (postgresql://user@server:5432/database).")
    if parsed.password:
        raise ValueError("Leave the password out of the address; QA Desktop asks for it once and keeps it "
                         "in the system keyring.")
    if not parsed.username or not parsed.database:
        raise ValueError("The address needs a user and a database: postgresql://user@server:5432/database")
    return parsed.set(drivername="postgresql+psycopg")


def display_url(url: URL) -> str:
    return f"{url.username}@{url.host or 'localhost'}:{url.port or 5432}/{url.database}"


class PostgresStore(SharedStore):
    def __init__(self, url: str | URL, password: str | None = None, *, connect_timeout: int = 10) -> None:
        parsed = parse_url(url) if isinstance(url, str) else url
        self.url = parsed
        self.label = f"PostgreSQL {display_url(parsed)}"
        self.engine = create_engine(parsed.set(password=password), pool_pre_ping=True,
                                    connect_args={"connect_timeout": connect_timeout,
                                                  "application_name": "qa-desktop"})
        try:
            with self.engine.begin() as connection:
                metadata.create_all(connection, checkfirst=True)
                _upgrade(connection)
                connection.execute(insert(sync_meta).values(key="store_id", value=str(uuid.uuid4()))
                                   .on_conflict_do_nothing(index_elements=["key"]))
                store_id = connection.scalar(select(sync_meta.c.value).where(sync_meta.c.key == "store_id"))
        except OperationalError as error:
            self.engine.dispose()
            raise StoreUnavailable(_plain(error, self.label)) from None
        self.key = f"postgresql:{store_id}"

    def close(self) -> None:
        self.engine.dispose()

    def push(self, device_id: str, ops: list[OpRecord]) -> None:
        try:
            for start in range(0, len(ops), PUSH_BATCH):
                rows = [{**o.as_dict(), "pushed_by": device_id} for o in ops[start:start + PUSH_BATCH]]
                with self.engine.begin() as connection:
                    connection.execute(text("LOCK TABLE qa_sync_ops IN EXCLUSIVE MODE"))
                    connection.execute(insert(sync_ops).on_conflict_do_nothing(index_elements=["op_id"]), rows)
        except OperationalError as error:
            raise StoreUnavailable(_plain(error, self.label)) from None

    def pull(self, cursor: str | None, own_device: str) -> Iterator[Pulled]:
        after = int(cursor or 0)
        try:
            with self.engine.connect() as connection:
                remaining = connection.scalar(select(func.count()).select_from(sync_ops).where(
                    sync_ops.c.seq > after, sync_ops.c.pushed_by != own_device)) or 0
            total = max(1, -(-remaining // PULL_BATCH))
            done = 0
            while True:
                with self.engine.connect() as connection:
                    rows = connection.execute(select(sync_ops).where(sync_ops.c.seq > after)
                                              .order_by(sync_ops.c.seq).limit(PULL_BATCH)).all()
                if not rows:
                    return
                after = rows[-1].seq
                ops = [op_record(r) for r in rows if r.pushed_by != own_device]
                done += 1
                yield Pulled(ops, str(after), done=min(done, total), total=total)
        except OperationalError as error:
            raise StoreUnavailable(_plain(error, self.label)) from None

    def missing_blobs(self, digests: Iterable[str]) -> set[str]:
        wanted = set(digests)
        if not wanted:
            return set()
        with self.engine.connect() as connection:
            have = set(connection.scalars(select(sync_blobs.c.digest).where(sync_blobs.c.digest.in_(sorted(wanted)))))
        return wanted - have

    def put_blob(self, blob: str, data: bytes) -> None:
        if digest(data) != blob:
            raise ValueError("photo bytes do not match their hash")
        with self.engine.begin() as connection:
            connection.execute(insert(sync_blobs).values(digest=blob, data=data)
                               .on_conflict_do_nothing(index_elements=["digest"]))

    def get_blob(self, blob: str) -> bytes | None:
        with self.engine.connect() as connection:
            data = connection.scalar(select(sync_blobs.c.data).where(sync_blobs.c.digest == blob))
        if data is None:
            return None
        if digest(bytes(data)) != blob:
            raise SyncFileError(f"{self.label}: photo {blob[:12]}", "is damaged on the server")
        return bytes(data)


def _plain(error: SQLAlchemyError, label: str) -> str:
    """The driver's message, first line only, in a sentence an officer can act on."""
    detail = str(getattr(error, "orig", error)).strip().splitlines()[0] if str(error).strip() else "no answer"
    if "password authentication failed" in detail:
        return f"{label} refused the password. Enter it again in Sync settings. ({detail})"
    return (f"{label} cannot be reached: {detail}. Your changes are kept on this laptop and go on the next sync.")
