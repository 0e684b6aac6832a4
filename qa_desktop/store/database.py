"""Opening the local store: the SQLite file, its encryption, pragmas, migrations at start-up,
units of work.

The file is encrypted with SQLCipher (the ``sqlcipher3`` wheel, a drop-in DB-API module for
SQLAlchemy's SQLite dialect), keyed with this data folder's raw 256-bit key from the keyring
(``store.keys``); its WAL is encrypted too. A plain SQLite file from before encryption is
encrypted in place the first time it is opened (``sqlcipher_export`` into a new file, then
renamed over it), and its photos with it.

Pragmas and why:
- ``journal_mode=WAL``: readers (the UI) never block the writer (autosave), and a crash mid-write
  leaves the last committed state intact.
- ``synchronous=FULL``: each commit is on disk before it returns, so an answer the UI shows as
  saved survives a flat battery, not only a crashed process. Commits are per answer, so the cost
  (about a millisecond) is invisible.
- ``foreign_keys=ON``: SQLite leaves them off unless asked.
- ``busy_timeout``: a second process (the CLI while the app is open) waits instead of failing.

Transactions: SQLAlchemy, not the driver, begins them (the driver's own handling starts one only
before a write, so two reads in one unit of work could see two different states). A read begins
``BEGIN``: one consistent snapshot. A unit of work that writes begins ``BEGIN IMMEDIATE``: it holds
the write lock from its first statement, so what it reads (the newest op, the heads an edit is
written over) cannot change under it before it commits, whichever program writes next; it waits
for the lock ``busy_timeout`` at most (a screen's save: 150 ms, then "Not saved" and a retry).
Statistics: SQLite plans a query from what it knows of the tables (``sqlite_stat1``), and without
statistics it guessed wrong on a large register (it took the one-column index on the tombstone flag
for a selective one, and a search that takes 62 ms took 45 s). ``optimize`` gathers them where they
are missing or out of date (``PRAGMA optimize``, with SQLite's own limit on the work: a fraction of a
second on a register of 20,000, nothing when they are current): when the store opens, after a
large import, and when it closes.
- ``cache_size`` 64 MB rather than SQLite's 2 MB: with encryption every page read from disk is
  decrypted and checked, so keeping more pages decrypted in memory matters (the 10,000-row import
  benchmark went from 798 to about 1,000 rows/s with it).
"""

from __future__ import annotations

import getpass
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Connection, Engine, create_engine, event, select, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from qa_desktop.atomic import replace
from qa_desktop.clock import Clock
from qa_desktop.domain.roles import Role, User, require_officer
from qa_desktop.paths import DATABASE_NAME
from qa_desktop.safe_text import check_text
from qa_desktop.store.blobs import BlobStore
from qa_desktop.store.changes import Changes, new_id
from qa_desktop.store.driver import driver_rows
from qa_desktop.store.hlc import Hlc, HybridClock, newest_adoptable
from qa_desktop.store.keys import (
    DatabaseDamaged,
    KeyLost,
    database_key,
    existing_key,
    is_plaintext_sqlite,
    photo_key,
)
from qa_desktop.store.models import LocalState, ReportRevision
from qa_desktop.store.permissions import private_file, private_folder
from qa_desktop.store.repair import UNRECORDED_FIELDS_DONE, record_unrecorded_fields
from qa_desktop.store.report_files import PLAIN_KINDS, VIEWING_KEEP_S, ReportFiles, report_files_key
from qa_desktop.store.schema import MIGRATIONS_DIR, schema_head

if TYPE_CHECKING:
    from alembic.config import Config

CACHE_KIB = 64 * 1024
#: How long a unit of work waits for another program's write (a sync from the command line) to end.
BUSY_TIMEOUT_MS = 5000
#: ``PRAGMA optimize``'s mask: analyse tables that need it (0x02), within SQLite's limit on the work
#: (its default since 3.46), checking every table, not only those queried on this connection (0x10000).
OPTIMIZE_ALL_TABLES = 0x10002
#: Connection options a unit of work begins with: it writes (``BEGIN IMMEDIATE``); how long it waits.
WRITE_OPTION, BUSY_OPTION = "qa_desktop_write", "qa_desktop_busy_ms"


#: Past this many changed rows, what changed is not listed but called "everything" (screens reload):
#: an import of a million rows must not hold a million ids (and twenty million op ids) in memory.
LISTED_AT_MOST = 50_000


@dataclass
class Collected:
    """What some units of work changed: the ``(table, id)`` of the rows, and the op ids; or, past
    ``LISTED_AT_MOST`` rows, only that ``everything`` may have changed."""

    touched: set[tuple[str, str]] = field(default_factory=set)
    ops: set[str] = field(default_factory=set)
    everything: bool = False

    def add(self, touched: set[tuple[str, str]], ops: Iterable[str]) -> None:
        if self.everything:
            return
        if len(self.touched) + len(touched) > LISTED_AT_MOST:
            self.touched, self.ops, self.everything = set(), set(), True
            return
        self.touched.update(touched)
        self.ops.update(ops)


def _writing(busy_ms: int | None) -> dict[str, object]:
    return {WRITE_OPTION: True, BUSY_OPTION: BUSY_TIMEOUT_MS if busy_ms is None else busy_ms}


def _busy(error: OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


class StoreBusy(OSError):
    """Another program is writing to the data file and did not finish in time; nothing was saved."""

    def __init__(self) -> None:
        super().__init__("the data file is busy: another QA Desktop program (a sync, an import) is writing to it")


def is_damage(error: DatabaseError) -> bool:
    """Whether a database error says the file is damaged (a page that fails its check, a header that
    is not SQLite's), rather than busy or a mistake in a query."""
    words = str(getattr(error, "orig", error)).lower()
    return any(sign in words for sign in ("malformed", "not a database", "database corrupt"))


def damaged_words(path: Path) -> str:
    return (f"The data file {path} is damaged: part of it cannot be read (a disk fault, or the power going while "
            "it was written). Nothing has been changed. Run `qa-desktop recover`: it keeps the damaged file aside "
            "(never deleting it), starts again from the team's shared store, and brings back from the damaged "
            "file every change made on this laptop that can still be read.")


def _key_pragma(key: bytes) -> str:
    return f"PRAGMA key = \"x'{key.hex()}'\""


def make_engine(path: Path, key: bytes | None = None) -> Engine:
    """An engine on ``path``: encrypted with ``key``; plain SQLite only without one (tests that
    build an old, unencrypted database; the Alembic command line).

    The pool hands out the connection returned last (``pool_use_lifo``): SQLite drops a connection's
    whole page cache when another connection has written since its last read, and with encryption
    every page read again is decrypted again. Handed out in turn (the pool's default), the read after
    each save (the change signal's catch-up, the status bar's counts) went to the other connection,
    cold: 0.8 ms for the status bar's counts rather than 0.3 (issue 22). Which connection is used
    changes nothing else: they are alike, and each unit of work is its own transaction."""
    engine = create_engine(f"sqlite:///{path}", module=sqlcipher, pool_use_lifo=True) if key \
        else create_engine(f"sqlite:///{path}", pool_use_lifo=True)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, record) -> None:  # noqa: ANN001 (DB-API objects)
        cursor = dbapi_connection.cursor()
        if key:
            cursor.execute(_key_pragma(key))  # must come first: nothing is readable before it
            cursor.execute("PRAGMA cipher_log_level = NONE")  # a damaged page is said in words (Store), not logged
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        record.info[BUSY_OPTION] = BUSY_TIMEOUT_MS  # what ``_begin`` need not set again on this connection
        cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        cursor.close()
        dbapi_connection.isolation_level = None  # SQLAlchemy begins transactions itself (below)

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        busy = int(options.get(BUSY_OPTION, BUSY_TIMEOUT_MS))
        # set only when it differs from what this driver connection has (every save and every read
        # begins here: a statement less for each, issue 22); the pool's record of the connection lives
        # as long as the connection itself
        # (by the driver itself, ``store.driver``: two statements of every unit of work, four or five
        # units of work at every answer)
        held = connection.connection.info
        if held.get(BUSY_OPTION) != busy:
            driver_rows(connection, f"PRAGMA busy_timeout={busy}")
            held[BUSY_OPTION] = busy
        driver_rows(connection, "BEGIN IMMEDIATE" if options.get(WRITE_OPTION) else "BEGIN")

    return engine


def encrypt_in_place(path: Path, key: bytes) -> None:
    """Encrypt a plain SQLite database (from before encryption) into a new file, then rename it over
    the old one: a crash midway leaves the old file whole, and the half-made one is discarded."""
    temporary = path.with_name(path.name + ".encrypting")
    temporary.unlink(missing_ok=True)
    plain = sqlcipher.connect(str(path))
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything committed is in the main file
        plain.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(temporary),))
        plain.execute("SELECT sqlcipher_export('encrypted')")
        version = plain.execute("PRAGMA user_version").fetchone()[0]
        plain.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        plain.execute("DETACH DATABASE encrypted")
    finally:
        plain.close()
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    replace(temporary, path)


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def schema_revision(engine: Engine) -> str | None:
    """The schema revision a database is at (``None``: no schema yet): Alembic's own table, read
    with one statement."""
    with engine.connect() as connection:
        if connection.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                      "name = 'alembic_version'").first() is None:
            return None
        return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def peek_schema_revision(data_dir: Path) -> str | None:
    """The schema revision of a data folder's database, read without creating, migrating or keying
    anything (for ``--version`` before any data is opened): ``None`` when there is no database yet.
    Raises ``KeyLost`` when this computer holds no key for it, ``DatabaseError`` when it is damaged."""
    path = data_dir / DATABASE_NAME
    if not path.exists() or path.stat().st_size == 0:
        return None
    key = None if is_plaintext_sqlite(path) else existing_key(data_dir)
    if key is None and not is_plaintext_sqlite(path):
        raise KeyLost(f"{path} is encrypted with a key this computer's keyring does not hold")
    engine = make_engine(path, key)
    try:
        return schema_revision(engine)
    finally:
        engine.dispose()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; run at every start (laptops sit un-updated for months)."""
    from alembic import command

    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def session_clock(session: Session) -> Clock:
    """The clock of the store a session was opened on (services that are handed a session read
    "today" from it, never from the machine)."""
    clock = session.info.get("clock")
    if not isinstance(clock, Clock):
        raise RuntimeError("this session was not opened by a Store, so it has no clock")
    return clock


class Store:
    """The open local database of one user on one device.

    ``write()`` gives a unit of work whose ``Changes`` is the only way synced rows are changed;
    ``read()`` gives a plain session for queries. Held by the application object and passed to
    the services and screens that need it: there is no global store.
    """

    def __init__(self, data_dir: Path, actor: str | None = None, *, key: bytes | None = None,
                 role: Role | None = None, assigned_visit: str | None = None, clock: Clock | None = None) -> None:
        private_folder(data_dir)  # folders 0700, files 0600 on POSIX (``store.permissions``)
        #: The one clock (``qa_desktop.clock``): every "now" and "today" of this store's users.
        self.clock = clock or Clock.from_environment()
        self.data_dir = data_dir
        self.path = data_dir / DATABASE_NAME
        self.key = key or database_key(data_dir, self.path)  # KeyLost when the keyring lost it
        self.blobs = BlobStore(data_dir, photo_key(self.key))
        #: Report PDFs, encrypted (``store.report_files``): the one place report files are kept.
        self.reports = ReportFiles(data_dir, report_files_key(self.key))
        if is_plaintext_sqlite(self.path):
            encrypt_in_place(self.path, self.key)
            self.blobs.encrypt_existing()
        private_file(self.path)  # before SQLite makes it (its WAL and -shm files take its mode)
        self.engine = make_engine(self.path, self.key)
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("SELECT count(*) FROM sqlite_master")
        except DatabaseError:
            self.engine.dispose()
            raise KeyLost(f"{self.path} cannot be read with this computer's key: it is damaged, or it was "
                          "encrypted with a key this keyring does not hold. Nothing has been changed. Run "
                          "`qa-desktop recover` to put it aside and start again from the shared store.") from None
        try:
            with self._plainly():
                self._open(actor, role, assigned_visit)
        except BaseException:
            self.engine.dispose()
            raise

    def _open(self, actor: str | None, role: Role | None, assigned_visit: str | None) -> None:
        """Bring the schema up to date and read who uses this laptop, its device and its clock."""
        if schema_revision(self.engine) != schema_head():  # Alembic only when there is something to do
            migrate(self.engine)
        self.optimize()
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._collectors = threading.local()
        # who uses this laptop, as set with `qa-desktop user` (or given here); the login name otherwise
        self.actor = actor or self._local("user_name", getpass.getuser)
        role = role or Role(self._local("user_role", lambda: Role.QA_OFFICER.value))
        #: Who the store was opened for; every session carries it (``session.info["user"]``) so the
        #: services can refuse what the role does not allow (``domain.roles``).
        self.user = User(self.actor, role, assigned_visit)
        self._sessions.configure(info={"user": self.user, "clock": self.clock})
        self.device_id = self._local("device_id", new_id)
        #: Orders ops for sync (``sync.hlc``); its physical part is read from ``clock``.
        self.hlc = HybridClock(self._last_hlc(), wall=self.clock.wall_ms)
        self._repair()
        self.reports.remove_viewing_copies(older_than_s=VIEWING_KEEP_S)  # left by a program that stopped
        if any(p for kind in PLAIN_KINDS for p in self.reports.root.glob(kind)):  # plain, from before encryption
            self.reports.encrypt_existing(self._report_owner)

    @contextmanager
    def _plainly(self) -> Iterator[None]:
        """A damaged data file said in words, with what to do (``DatabaseDamaged``), never as the
        driver's traceback: at start and in every unit of work."""
        try:
            yield
        except DatabaseError as error:
            if not is_damage(error):
                raise
            raise DatabaseDamaged(damaged_words(self.path)) from None

    @contextmanager
    def write(self, *, busy_ms: int | None = None) -> Iterator[Changes]:
        """One unit of work: committed (with its ops) on success, rolled back on any error.

        Before it stamps anything, the hybrid clock observes the newest op in the local log,
        whoever wrote it (a sync run from the command line while the window is open): a new edit is
        always later than every op this laptop holds. What the unit changed is added to every
        ``collecting()`` block open on this thread.

        ``busy_ms``: how long to wait for another program's write to finish before giving up with
        ``StoreBusy`` (the window saves with a short wait and retries, so it never freezes; the
        default waits as long as the connection does, ``BUSY_TIMEOUT_MS``)."""
        with self._plainly(), self._write(busy_ms) as changes:
            yield changes

    @contextmanager
    def _write(self, busy_ms: int | None) -> Iterator[Changes]:
        """``write`` without the words for a damaged file."""
        with self._sessions() as session:
            try:
                session.connection(execution_options=_writing(busy_ms))  # the write lock, first
            except OperationalError as error:
                if _busy(error):
                    raise StoreBusy() from error
                raise
            newest = newest_adoptable(session, self.clock.wall_ms())  # never a far-ahead op an officer accepted
            if newest:
                self.hlc.observe(newest)
            changes = Changes(session, actor=self.actor, device_id=self.device_id, clock=self.hlc,
                              now=self.clock.now)
            try:
                yield changes
                session.commit()
            except OperationalError as error:
                session.rollback()
                if _busy(error):
                    raise StoreBusy() from error
                raise
            except BaseException:
                session.rollback()
                raise
        for collected in getattr(self._collectors, "open", ()):
            collected.add(changes.touched, changes.op_ids())

    @contextmanager
    def collecting(self) -> Iterator[Collected]:
        """The ``(table, id)`` of every row this thread's units of work change inside the block, and
        the ops they write: what one operation of the workspace changed, however many units of
        work it took."""
        collected = Collected()
        stack = self._collectors.__dict__.setdefault("open", [])
        stack.append(collected)
        try:
            yield collected
        finally:
            stack.remove(collected)

    def last_op_position(self) -> int:
        """Where the op log ends now. Ops are numbered in commit order (SQLite's rowid: writers
        take turns, and the log is never shortened), so ops after a position are exactly the
        changes committed since, by this program or any other on the same data folder."""
        with self._sessions() as session:
            return session.scalar(text("SELECT coalesce(max(rowid), 0) FROM ops")) or 0

    def ops_after(self, position: int) -> tuple[int, Collected]:
        """The rows changed by ops after ``position``, and those ops, and the new end of the log."""
        # after every save (the save's own ops), and every poll: one statement to the driver as it is, and
        # a second one only when none came after ``position`` (the log may have been numbered afresh) or
        # too many to list (issue 22: two statements through SQLAlchemy were most of a catch-up's CPU)
        # (both by the driver itself: ``store.driver``)
        with self._sessions() as session:
            connection = session.connection()
            rows = driver_rows(connection, "SELECT rowid, entity, entity_id, op_id FROM ops WHERE rowid > ? "
                                           "ORDER BY rowid LIMIT ?", (position, LISTED_AT_MOST + 1))
            if not rows or len(rows) > LISTED_AT_MOST:
                end = driver_rows(connection, "SELECT coalesce(max(rowid), 0) FROM ops")[0][0] or 0
                if rows:
                    return end, Collected(everything=True)
                return end, Collected()
        found = Collected({(entity, entity_id) for _, entity, entity_id, _ in rows}, {op_id for *_, op_id in rows})
        return rows[-1][0], found

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A plain transaction for sync bookkeeping and applying pulled ops (which are already in the
        log, so they do not go through ``Changes``); committed on success."""
        require_officer(self.user, "or sync")  # a Young Inspector's store changes only their form's answers
        with self._plainly(), self._sessions() as session, session.begin():
            session.connection(execution_options=_writing(None))
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._plainly(), self._sessions() as session:
            yield session

    def optimize(self) -> None:
        """Gather the query planner's statistics where they are missing or stale (see the module
        docstring); never a reason to fail: a store busy with another program's write keeps the
        statistics it has, and a damaged one is said in words by the unit of work that meets it."""
        try:
            with self.engine.begin() as connection:
                connection.exec_driver_sql(f"PRAGMA optimize={OPTIMIZE_ALL_TABLES:#x}")
        except DatabaseError as error:  # OperationalError (busy) is one
            if is_damage(error):
                # a damaged page met while analysing: the connection that met it stays failed, so it is
                # not handed on; the next unit of work reads what it needs, or says the damage in words
                self.engine.dispose()

    def check(self) -> None:
        """Read every page of the data file (SQLite's ``quick_check``, each page's checksum tested on the
        way): ``DatabaseDamaged`` if any part of it cannot be read. Takes a while on a large file, so
        it runs when asked (``recover``), not at every start."""
        with self.read() as session:
            found = [str(row) for row in session.execute(text("PRAGMA quick_check")).scalars()]
        if found != ["ok"]:
            raise DatabaseDamaged(damaged_words(self.path))

    def close(self) -> None:
        self.optimize()
        self.engine.dispose()
        self.reports.remove_viewing_copies()

    def _report_owner(self, file_name: str) -> str | None:
        """The record a document file from before belongs to, by its revision's file name (a Word copy
        by its PDF's): the visit, else the plan or embargo a letter is about, else the provider, as
        ``services.documents.owner_of`` files it."""
        pdf = file_name.removesuffix(".docx") + ".pdf" if file_name.endswith(".docx") else file_name
        with self.read() as session:
            found = session.execute(select(ReportRevision.visit_id, ReportRevision.subject_id,
                                           ReportRevision.provider_id).where(ReportRevision.file_name == pdf)).first()
        return next((owner for owner in found if owner), None) if found is not None else None

    def schema_revision(self) -> str | None:
        return schema_revision(self.engine)

    @property
    def user_confirmed(self) -> bool:
        """Whether someone said who uses this laptop (``set_user``), rather than its name being the
        computer's account name ("root") from the first start: the window asks on a first run."""
        with self.read() as session:
            return session.get(LocalState, "user_confirmed") is not None

    def set_user(self, name: str | None = None, role: Role | None = None) -> User:
        """Who uses this laptop from now on (kept in its local settings, not synced)."""
        if name:
            check_text("Your name", name)  # recorded with every change, printed and exported
        with self._sessions() as session, session.begin():
            session.connection(execution_options=_writing(None))
            for key, value in (("user_name", name), ("user_role", role.value if role else None),
                               ("user_confirmed", "yes" if name else None)):
                if value:
                    row = session.get(LocalState, key)
                    if row is None:
                        session.add(LocalState(key=key, value=value))
                    else:
                        row.value = value
        self.actor = name or self.actor
        self.user = User(self.actor, role or self.user.role, self.user.assigned_visit)
        self._sessions.configure(info={"user": self.user, "clock": self.clock})
        return self.user

    def _local(self, key: str, make: Callable[[], str]) -> str:
        with self._sessions() as session, session.begin():
            session.connection(execution_options=_writing(None))
            row = session.get(LocalState, key)
            if row is None:
                row = LocalState(key=key, value=make())
                session.add(row)
            return row.value

    def _repair(self) -> None:
        """One-off repairs of a database made by an earlier version (``store.repair``), each once."""
        with self.read() as session:
            if session.get(LocalState, UNRECORDED_FIELDS_DONE) is not None:
                return
        with self.write() as changes:
            record_unrecorded_fields(changes)

    def _last_hlc(self) -> Hlc | None:
        with self.read() as session:
            return newest_adoptable(session, self.clock.wall_ms())
