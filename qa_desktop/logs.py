"""The log file: what IT support reads when an officer says "it went wrong".

One rotating file, ``qa-desktop.log`` in the platform's log folder (``%LOCALAPPDATA%\\qa-desktop\\Logs``
on Windows, ``~/.local/state/qa-desktop/log`` on Linux, ``~/Library/Logs/qa-desktop`` on macOS;
``QA_DESKTOP_LOG_DIR`` moves it), 1 MB a file and five old files kept, so it never grows past
6 MB. The window and every command write to it.

No personal data goes in beyond ids (the data is about children): a line says what happened with
record ids, counts and error types, never names, notes, addresses or what was typed. So:

- messages of QA Desktop's own loggers are written with ids only (a rule for whoever writes one);
- other libraries' messages are written as their template, without the values put into it (an
  SQL error's parameters, a file name);
- an error is written as its type and where it happened (file, line, function of every frame),
  with the numbers of an operating-system error, never its message;
- a folder under the user's home is written as ``~/...`` (the home folder's name is the login).

Rotation on Windows renames the file, which fails while a second QA Desktop (the window and a
command) has it open: then the file is kept and written on, and rotation is tried again later.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import platform
import sys
import traceback
from pathlib import Path
from types import TracebackType

import platformdirs

from qa_desktop import __version__
from qa_desktop.atomic import replace
from qa_desktop.paths import APP_NAME

ENVIRONMENT_VARIABLE = "QA_DESKTOP_LOG_DIR"
LOG_NAME = "qa-desktop.log"
MAX_BYTES = 1024 * 1024
BACKUPS = 5
#: QA Desktop's own loggers: ``logging.getLogger(__name__)`` in any module.
OWN = "qa_desktop"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def log_dir() -> Path:
    override = os.environ.get(ENVIRONMENT_VARIABLE)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def log_file() -> Path:
    return log_dir() / LOG_NAME


def without_home(text: str) -> str:
    """``text`` with the user's home folder written as ``~`` (its name is the user's login)."""
    home = str(Path.home())
    return text.replace(home, "~") if len(home) > 1 else text


def _frame_file(filename: str) -> str:
    """A source file as ``package/module.py``: where it is installed says nothing useful and may
    name the user."""
    parts = Path(filename).parts
    for anchor in ("site-packages", "dist-packages", "_internal", "lib"):
        if anchor in parts:
            return "/".join(parts[len(parts) - parts[::-1].index(anchor):])
    if OWN in parts:
        return "/".join(parts[parts.index(OWN):])
    return Path(filename).name


def describe_error(error: BaseException) -> str:
    """An error's type and, for an operating-system error, its numbers: never its message."""
    words = type(error).__qualname__
    if type(error).__module__ not in ("builtins", "__main__"):
        words = f"{type(error).__module__}.{words}"
    if isinstance(error, OSError):
        numbers = [f"errno {error.errno}"] if error.errno is not None else []
        if getattr(error, "winerror", None) is not None:
            numbers.append(f"winerror {error.winerror}")  # type: ignore[attr-defined]
        if numbers:
            words += f" ({', '.join(numbers)})"
    return words


def safe_traceback(error: BaseException) -> str:
    """Where ``error`` happened, frame by frame, and its type, with any errors that led to it."""
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        chain.append(current)
        seen.add(id(current))
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    lines: list[str] = []
    for depth, link in enumerate(reversed(chain)):
        if depth:
            lines.append("which led to:")
        lines.append("Traceback (most recent call last):")
        for frame in traceback.extract_tb(link.__traceback__):
            lines.append(f"  {_frame_file(frame.filename)}:{frame.lineno} in {frame.name}")
        lines.append(describe_error(link))
    return "\n".join(lines)


class SafeFormatter(logging.Formatter):
    """Writes what may be written (see the module's docstring) and nothing else."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(process)d %(threadName)s] %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        return without_home(super().formatMessage(record))

    def format(self, record: logging.LogRecord) -> str:
        own = record.name == OWN or record.name.startswith(OWN + ".")
        if own:
            record.message = record.getMessage()
        else:  # another library's: its template only, none of the values given to it
            record.message = record.msg if isinstance(record.msg, str) else type(record.msg).__name__
        record.asctime = self.formatTime(record, self.datefmt)
        text = self.formatMessage(record)
        if record.exc_info and record.exc_info[1] is not None:
            text += "\n" + without_home(safe_traceback(record.exc_info[1]))
        return text


class _RotatingFile(logging.handlers.RotatingFileHandler):
    """Rotates through ``atomic.replace`` (which waits out another program's hold), and keeps
    writing to the same file when the file cannot be rotated now (a second QA Desktop has it open)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
        self.rotator = lambda source, target: replace(source, target)

    def doRollover(self) -> None:  # noqa: N802 (logging's name)
        try:
            super().doRollover()
        except OSError:
            if self.stream is None or self.stream.closed:
                self.stream = self._open()


_handler: logging.Handler | None = None
_unwritable = False


def start_logging() -> Path | None:
    """Write this program's log to ``log_file()`` from now on (once per process); returns the file,
    or ``None`` when its folder cannot be made (the program runs on; errors still reach the screen)."""
    global _handler, _unwritable
    path = log_file()
    if _handler is not None:
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8"):
            pass
        handler: logging.Handler = _RotatingFile(path)
    except OSError:
        _unwritable = True
        return None
    handler.setFormatter(SafeFormatter())
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.WARNING)
    logging.getLogger(OWN).setLevel(logging.INFO)
    logging.captureWarnings(True)
    _handler = handler
    return path


def stop_logging() -> None:
    """Close the log file (tests; a program closes it when it ends)."""
    global _handler, _unwritable
    _unwritable = False
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None


def started(program: str) -> None:
    """The first line of a run: which version, on what, doing what (the command's name, never its arguments)."""
    frozen = "frozen" if getattr(sys, "frozen", False) else "from Python"
    logging.getLogger(OWN).info("QA Desktop %s started (%s): %s, Python %s, %s %s", __version__, program, frozen,
                                platform.python_version(), platform.system(), platform.release())


def log_uncaught(error: BaseException | ExcInfo, where: str) -> None:
    """An error nobody expected, with where it happened (``where`` names the part: "window", a command)."""
    info = error if isinstance(error, tuple) else (type(error), error, error.__traceback__)
    logging.getLogger(OWN).critical("uncaught error in %s: %s", where, describe_error(info[1]), exc_info=info)


def where_the_log_is() -> str:
    """The log file's path for a person to read, or why there is none."""
    path = log_file()
    return f"{path} (it could not be written)" if _unwritable else str(path)
