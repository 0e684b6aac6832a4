"""Windows is where the officers work: nothing POSIX-only on a path Windows runs, renames that wait out
a file held for a moment by the antivirus or OneDrive, and paths longer than 260 characters.

The first test reads every module of ``qa_desktop`` (its syntax tree, so comments and docstrings do
not count) for calls and imports that do not exist or do not work on Windows. A use that is guarded
(only reached off Windows) or harmless there is allowed by name in ``ALLOWED``, each with the reason;
an entry no longer needed fails the test too, so the list stays true.
"""

from __future__ import annotations

import ast
import io
import os
import tokenize
from pathlib import Path

import pytest

import qa_desktop
from qa_desktop import atomic
from qa_desktop.atomic import replace, write_atomically
from qa_desktop.paths import WINDOWS_PATH_LIMIT, extended, long_path

PACKAGE = Path(qa_desktop.__file__).parent

#: Modules that exist only on POSIX systems.
POSIX_MODULES = {"fcntl", "signal", "pwd", "grp", "termios", "tty", "pty", "resource", "posix", "syslog", "crypt",
                 "spwd", "nis", "posixpath"}
#: ``os`` functions and constants missing on Windows or with a POSIX meaning there; and the rename
#: functions, which fail on Windows while another program holds the file (``atomic.replace`` waits).
POSIX_OS = {"fork", "forkpty", "kill", "killpg", "setsid", "getuid", "geteuid", "getgid", "getegid", "getpgid",
            "setpgrp", "setuid", "setgid", "chmod", "fchmod", "lchmod", "chown", "fchown", "lchown", "symlink",
            "link", "mkfifo", "mknod", "statvfs", "sync", "wait", "waitpid", "wait3", "wait4", "getloadavg", "nice",
            "uname", "O_NOFOLLOW", "O_CLOEXEC", "WNOHANG", "sched_getaffinity", "pipe2", "posix_spawn",
            "replace", "rename", "renames"}
#: Path methods that are POSIX-only, or that rename (``Path.rename`` fails on Windows when the target exists).
POSIX_PATH_METHODS = {"chmod", "lchmod", "symlink_to", "hardlink_to", "owner", "rename", "replace"}
#: Folders that exist only on POSIX systems (Windows keeps temporary files in %TEMP%: ``tempfile``).
POSIX_FOLDERS = ("/tmp", "/var/", "/dev/", "/etc/", "/home/", "/proc/", "/run/", "~/")

#: (file, finding) -> why it is fine on Windows. Keep each reason honest: it is the only review the
#: use gets.
ALLOWED: dict[tuple[str, str], str] = {
    ("atomic.py", "os.replace"):
        "the one rename, which waits out a sharing violation (atomic.replace)",
    ("store/keys.py", "octal mode 0o600"):
        "os.open's mode on Windows only decides the read-only flag, and 0o600 leaves the file writable; the "
        "demo key file sits in the user's own profile (its ACL is the user's), and guards fictional data only",
    ("services/hand_over.py", "POSIX folder '/proc/sys/kernel/ran'"):
        "login_session() reads the boot id only off Windows; on Windows it asks the access token (ctypes)",
    ("services/hand_over.py", "POSIX folder '/proc/self/sessionid'"):
        "the Linux login session, read only off Windows (and a missing file is no session)",
    ("atomic.py", "octal mode 0o700"):
        "mkdir's mode is ignored on Windows (the folder takes its parent's ACL); on POSIX a folder made for a "
        "file is its owner's alone (issue 15: folders 0700)",
    ("services/recovery.py", "octal mode 0o700"):
        "mkdir's mode is ignored on Windows; the folder a damaged data file is put aside in is private on POSIX",
    ("store/permissions.py", "octal mode 0o700"):
        "the data folder's POSIX mode: mkdir ignores it on Windows, and the chmod walk runs only where "
        "os.name == 'posix' (is_posix)",
    ("store/permissions.py", "octal mode 0o600"):
        "the data folder's files' POSIX mode: os.open's mode on Windows only decides the read-only flag, and "
        "0o600 leaves the file writable; the chmod walk runs only where os.name == 'posix'",
    ("store/permissions.py", "os.chmod"):
        "only reached where os.name == 'posix' (tighten returns at once elsewhere)",
}


def _octal_literals(source: str) -> list[tuple[int, str]]:
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.NUMBER and token.string.lower().startswith("0o"):
            found.append((token.start[0], f"octal mode {token.string}"))
    return found


def posix_only(source: str) -> list[tuple[int, str]]:
    """What in ``source`` will not work on Windows: (line, finding)."""
    found = _octal_literals(source)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, f"import {a.name}") for a in node.names if a.name.split(".")[0] in POSIX_MODULES]
        elif isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").split(".")[0] in POSIX_MODULES:
            found.append((node.lineno, f"import {node.module}"))
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            found += [(node.lineno, f"os.{a.name}") for a in node.names if a.name in POSIX_OS]
        elif isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id == "os" and node.attr in POSIX_OS:
                found.append((node.lineno, f"os.{node.attr}"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            receiver = node.func.value
            is_str_replace = method == "replace" and (len(node.args) != 1 or isinstance(receiver, ast.Constant))
            is_os = isinstance(receiver, ast.Name) and receiver.id == "os"
            if method in POSIX_PATH_METHODS and not is_str_replace and not is_os and not (
                    method == "replace" and node.keywords):  # date.replace(year=...), str.replace(a, b)
                found.append((node.lineno, f".{method}()"))
            found += [(node.lineno, "shell=True") for k in node.keywords
                      if k.arg == "shell" and isinstance(k.value, ast.Constant) and k.value.value is True]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith(POSIX_FOLDERS):
            found.append((node.lineno, f"POSIX folder {node.value[:20]!r}"))
    return found


def findings() -> dict[tuple[str, str], list[int]]:
    by_finding: dict[tuple[str, str], list[int]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        for line, what in posix_only(path.read_text(encoding="utf-8")):
            by_finding.setdefault((relative, what), []).append(line)
    return by_finding


def test_nothing_posix_only_on_a_windows_path():
    found = findings()
    unexplained = [f"qa_desktop/{file}:{lines[0]}: {what}" for (file, what), lines in found.items()
                   if (file, what) not in ALLOWED]
    assert unexplained == [], "POSIX-only or rename calls outside atomic.py (use atomic.replace, tempfile, pathlib)"
    stale = [key for key in ALLOWED if key not in found]
    assert stale == [], "allowed uses that are no longer there: take them out of ALLOWED"


@pytest.mark.parametrize("code, finding", [
    ("import fcntl", "import fcntl"),
    ("from signal import SIGTERM", "import signal"),
    ("import os\nos.fork()", "os.fork"),
    ("import os\nos.chmod(p, 0o644)", "os.chmod"),
    ("from os import getuid", "os.getuid"),
    ("import os\nos.rename(a, b)", "os.rename"),
    ("path.rename(target)", ".rename()"),
    ("path.chmod(0o600)", ".chmod()"),
    ("temp.replace(target)", ".replace()"),
    ("folder = '/tmp/qa'", "POSIX folder '/tmp/qa'"),
    ("subprocess.run('x', shell=True)", "shell=True"),
    ("os.open(p, flags, 0o600)", "octal mode 0o600"),
])
def test_the_check_sees_what_it_looks_for(code, finding):
    assert finding in [what for _, what in posix_only(code)]


@pytest.mark.parametrize("code", [
    "text.replace('a', 'b')", "day.replace(year=2020)", "'x'.replace('y', '')", "match.group(1)",
    "# os.fork() in a comment", "'''os.chmod in a docstring'''", "tempfile.mkstemp()",
])
def test_the_check_leaves_alone_what_works_on_windows(code):
    assert posix_only(code) == []


# -- renames that wait out another program ------------------------------------------------------------

def sharing_violation() -> PermissionError:
    """The error Windows raises while another program has the file open (ERROR_SHARING_VIOLATION).
    ``winerror`` is set by hand: off Windows the constructor ignores it."""
    error = PermissionError(13, "The process cannot access the file because it is being used by another process")
    error.winerror = 32  # type: ignore[attr-defined]
    return error


def test_a_rename_held_up_for_a_moment_goes_through(tmp_path, monkeypatch):
    source, target = tmp_path / "new.ops", tmp_path / "00000001.ops"
    source.write_bytes(b"new")
    target.write_bytes(b"old")
    real, tries = os.replace, []

    def held_twice(a, b):
        tries.append(a)
        if len(tries) <= 2:  # the antivirus is reading the file just written
            raise sharing_violation()
        real(a, b)

    monkeypatch.setattr(atomic.os, "replace", held_twice)
    replace(source, target)
    assert len(tries) == 3 and target.read_bytes() == b"new" and not source.exists()


def test_a_file_held_for_good_gives_the_error_after_about_two_seconds(tmp_path, monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr(atomic.time, "sleep", waits.append)
    monkeypatch.setattr(atomic.os, "replace", lambda a, b: (_ for _ in ()).throw(sharing_violation()))
    with pytest.raises(PermissionError) as raised:
        replace(tmp_path / "a", tmp_path / "b")
    assert raised.value.winerror == 32  # type: ignore[attr-defined]
    assert waits == list(atomic.RETRY_WAITS) and 1.5 <= sum(waits) <= 3


def test_other_errors_are_not_retried(tmp_path, monkeypatch):
    """A real refusal (POSIX permissions, a missing folder) is said at once, not after two seconds."""
    waits: list[float] = []
    monkeypatch.setattr(atomic.time, "sleep", waits.append)
    with pytest.raises(FileNotFoundError):
        replace(tmp_path / "missing", tmp_path / "b")
    denied = PermissionError(13, "Permission denied")  # POSIX: no winerror
    monkeypatch.setattr(atomic.os, "replace", lambda a, b: (_ for _ in ()).throw(denied))
    with pytest.raises(PermissionError):
        replace(tmp_path / "a", tmp_path / "b")
    assert waits == []


def test_write_atomically_goes_through_a_held_rename(tmp_path, monkeypatch):
    real, tries = os.replace, []

    def held_once(a, b):
        tries.append(a)
        if len(tries) == 1:
            raise sharing_violation()
        real(a, b)

    monkeypatch.setattr(atomic.os, "replace", held_once)
    write_atomically(tmp_path / "report.pdf", b"%PDF")
    assert (tmp_path / "report.pdf").read_bytes() == b"%PDF"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]  # no temporary file left behind


# -- long paths ------------------------------------------------------------------------------------------

ONEDRIVE = "C:\\Users\\firstname.lastname\\OneDrive - Example Council\\Children's Commissioning\\Quality Assurance"


def test_a_short_windows_path_is_left_as_it_is():
    assert extended(ONEDRIVE + "\\qa-desktop") == ONEDRIVE + "\\qa-desktop"


def test_a_long_windows_path_is_written_in_its_extended_form():
    deep = ONEDRIVE + "\\Shared\\Team folders\\2026-27\\QA Desktop sync folder (do not rename)" * 3
    assert len(deep) >= WINDOWS_PATH_LIMIT
    assert extended(deep) == "\\\\?\\" + deep
    assert extended(extended(deep)) == extended(deep)  # once only


def test_a_folder_with_room_for_what_goes_inside():
    """The shared folder's root is converted when the files inside it would pass the limit."""
    folder = ONEDRIVE + "\\Sync folder of the QA team (shared with the service managers)"
    assert len(folder) < WINDOWS_PATH_LIMIT <= len(folder) + 120
    assert extended(folder) == folder and extended(folder, room=120) == "\\\\?\\" + folder


def test_long_paths_are_normalised_first_and_network_paths_keep_their_server():
    """The ``\\\\?\\`` form is taken literally by Windows: no ``..`` and no forward slashes in it."""
    long_name = "x" * 250
    assert extended(f"C:\\data\\..\\{long_name}/file.ops") == f"\\\\?\\C:\\{long_name}\\file.ops"
    assert extended(f"\\\\fileserver\\qa$\\{long_name}") == f"\\\\?\\UNC\\fileserver\\qa$\\{long_name}"


def test_off_windows_paths_are_used_as_they_are(tmp_path):
    """Linux and macOS open paths of thousands of characters as they are; a 300-character one is written."""
    deep = tmp_path.joinpath(*["a folder with a long name"] * 12) / "00000001.ops"
    assert len(str(deep)) > 300 and long_path(deep, room=120) == deep
    write_atomically(deep, b"ops")
    assert deep.read_bytes() == b"ops"
