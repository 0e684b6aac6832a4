"""The log file, errors nobody expected in a command, and ``--version``.

The window's side (the crash dialog, Help > About) is in tests/ui/test_crash_and_about.py."""

import logging
import subprocess
import sys

from qa_desktop import __version__, logs
from qa_desktop.cli import EXIT_UNEXPECTED, main
from qa_desktop.store.database import schema_head
from qa_desktop.workspace.register import RegisterService

#: Words that must never reach the log: demo providers' names, a typed note, the user's home.
PERSONAL = "Jane Smith's note about Maple Lodge"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def log_text(folder) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("qa-desktop.log*")))


def test_a_command_that_fails_unexpectedly_says_one_sentence_and_where_the_log_is(capsys, tmp_path, log_folder,
                                                                               monkeypatch):
    data = str(tmp_path / "data")
    run(capsys, "demo", "--data-dir", data)

    def broken(*args, **kwargs):
        raise RuntimeError(PERSONAL)

    monkeypatch.setattr(RegisterService, "search", broken)
    monkeypatch.setattr(RegisterService, "search_once", broken)  # what `providers` calls (from the first look)
    code, _, err = run(capsys, "providers", "--data-dir", data)
    assert code == EXIT_UNEXPECTED
    assert "Traceback" not in err and err.count("\n") == 1 and err.count(". ") == 0  # one sentence
    assert "unexpected error (RuntimeError)" in err and str(log_folder / "qa-desktop.log") in err
    assert PERSONAL not in err  # the message stays off the terminal too (it may be shown to others)

    log = log_text(log_folder)
    assert "uncaught error in providers: RuntimeError" in log
    assert "qa_desktop/cli.py:" in log and "in broken" in log  # where it happened, frame by frame
    assert PERSONAL not in log and "Maple Lodge" not in log


def test_the_log_holds_what_happened_with_ids_and_no_personal_data(capsys, tmp_path, log_folder):
    data = tmp_path / "data"
    run(capsys, "demo", "--data-dir", str(data))
    run(capsys, "providers", "--data-dir", str(data), "Maple")
    run(capsys, "user", "--data-dir", str(data), "--name", "Jane Smith")
    log = log_text(log_folder)
    assert f"QA Desktop {__version__} started (demo)" in log and "started (providers)" in log
    assert "providers ended with exit status 0" in log
    for personal in ("Maple", "Jane Smith", "Harbour View", str(data)):
        assert personal not in log


def test_other_libraries_messages_are_logged_without_their_values(log_folder):
    logs.start_logging()
    logging.getLogger("sqlalchemy.engine").warning("parameters %s", ("Jane Smith", "SC700101"))
    try:
        raise FileNotFoundError(2, "No such file", str(logs.Path.home() / "Jane Smith notes.docx"))
    except FileNotFoundError as error:
        logs.log_uncaught(error, "a test")
    log = log_text(log_folder)
    assert "WARNING sqlalchemy.engine" in log and "] parameters %s\n" in log and "Jane Smith" not in log
    assert "FileNotFoundError (errno 2)" in log and "notes.docx" not in log


def test_the_log_rotates_and_keeps_writing_when_it_cannot(log_folder, monkeypatch):
    monkeypatch.setattr(logs, "MAX_BYTES", 2000)
    logs.start_logging()
    logger = logging.getLogger("qa_desktop.test")
    for number in range(200):
        logger.info("line %d of the test log, with an id 0f3c2a9e-1b7d-4c55-a0e1-%012d", number, number)
    files = sorted(p.name for p in log_folder.glob("qa-desktop.log*"))
    assert files == ["qa-desktop.log", *(f"qa-desktop.log.{n}" for n in range(1, logs.BACKUPS + 1))]
    assert all(p.stat().st_size <= 2200 for p in log_folder.glob("qa-desktop.log*"))

    def held(source, target):  # a second QA Desktop holds the file open, on Windows
        raise PermissionError(13, "in use")

    handler = logging.getLogger().handlers[-1]
    monkeypatch.setattr(handler, "rotator", held)
    for number in range(50):
        logger.info("still written %d", number)
    assert "still written 49" in (log_folder / "qa-desktop.log").read_text(encoding="utf-8")


def test_an_unwritable_log_folder_does_not_stop_the_program(capsys, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log folder should be")
    monkeypatch.setenv(logs.ENVIRONMENT_VARIABLE, str(blocker / "logs"))
    code, out, _ = run(capsys, "demo", "--data-dir", str(tmp_path / "data"))
    assert code == 0 and "Demo data loaded" in out
    assert logs.where_the_log_is().endswith("(it could not be written)")


# -- --version ---------------------------------------------------------------------------------------

def test_version_names_the_schema_the_data_folder_and_the_log(capsys, tmp_path, log_folder):
    data = tmp_path / "data"
    code, out, _ = run(capsys, "--version", "--data-dir", str(data))
    head = schema_head()
    assert code == 0 and out.startswith(f"qa-desktop {__version__}\n")
    assert f"Database schema: no data yet (this version brings revision {head})" in out
    assert f"Data folder: {data}" in out and f"Log file: {log_folder / 'qa-desktop.log'}" in out
    assert not data.exists()  # asking made nothing

    run(capsys, "demo", "--data-dir", str(data))
    _, out, _ = run(capsys, "--data-dir", str(data), "--version")
    assert f"Database schema: revision {head}, the newest this version knows" in out


def test_version_of_data_this_computer_cannot_read(capsys, tmp_path, memory_keyring):
    data = tmp_path / "data"
    run(capsys, "demo", "--data-dir", str(data))
    memory_keyring.secrets.clear()  # the keyring lost the folder's key
    code, out, _ = run(capsys, "--version", "--data-dir", str(data))
    assert code == 0 and "cannot be read on this computer (its key is not in this keyring)" in out


def test_version_from_the_module_entry_point():
    result = subprocess.run([sys.executable, "-m", "qa_desktop", "--version"], capture_output=True, text=True,
                            check=True)
    assert result.stdout.startswith(f"qa-desktop {__version__}\n") and "Database schema:" in result.stdout
