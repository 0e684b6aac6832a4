"""The sync commands as an officer runs them, and secrets kept in a real Secret Service keyring."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from qa_desktop.cli import main
from qa_desktop.credentials import TEAM_KEY_ACCOUNT, CredentialsError, set_secret
from qa_desktop.sync.settings import SETTINGS_NAME, load_settings


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_two_laptops_sync_export_and_resolve_from_the_command_line(capsys, tmp_path, monkeypatch):
    alex, jo, shared = str(tmp_path / "alex"), str(tmp_path / "jo"), str(tmp_path / "shared")
    assert run(capsys, "demo", "--data-dir", alex)[0] == 0
    code, out, _ = run(capsys, "sync-settings", "--data-dir", alex, "--folder", shared)
    assert code == 0 and f"shared folder {shared}" in out
    code, out, _ = run(capsys, "sync", "--data-dir", alex)
    assert code == 0 and "change(s) sent" in out
    code, out, _ = run(capsys, "sync", "--data-dir", jo, "--folder", shared)
    assert code == 0 and "0 change(s) sent" in out
    assert out.startswith("Changes arrived: the visit to ") and "13 providers (" in out  # people and places first
    code, out, _ = run(capsys, "providers", "--data-dir", jo)
    assert "13 providers" in out
    code, out, _ = run(capsys, "sync-status", "--data-dir", alex)
    assert "Changes waiting to go: 0" in out and "Last synced: never" not in out

    # the demo's in-progress visit goes to Jo in a bundle; both answer the same item differently
    from sqlalchemy import select

    from qa_desktop.domain.visits import VisitStatus
    from qa_desktop.services.visits import open_visit
    from qa_desktop.store.database import Store
    from qa_desktop.store.models import Visit
    stores = {name: Store(tmp_path / name) for name in ("alex", "jo")}
    with stores["alex"].read() as session:
        visit_id = session.scalars(select(Visit.id).where(Visit.status == VisitStatus.IN_PROGRESS)).first()
    code, out, _ = run(capsys, "export-visit", "--data-dir", alex, visit_id[:8], str(tmp_path / "visit"))
    # both laptops are of the team (they sync with its store): sealed with the team key, no code to tell
    assert code == 0 and "visit.qabundle" in out and "encrypted with the team key" in out
    # imported by the name the officer gave when exporting it (walk6: it was "does not exist")
    code, out, _ = run(capsys, "import-bundle", "--data-dir", jo, str(tmp_path / "visit"))
    assert code == 0 and "0 change(s) sent" in out
    visit = open_visit(stores["alex"], visit_id)
    template = next(iter(visit.checklists))
    item = next(i.key for i in visit.checklists[template].template.items if i.response.value == "met_not_met")
    visit.set_answer(template, item, "met")
    open_visit(stores["jo"], visit_id).set_answer(template, item, "not_met")
    run(capsys, "sync", "--data-dir", jo, "--folder", shared)
    run(capsys, "sync", "--data-dir", alex)
    code, out, _ = run(capsys, "conflicts", "--data-dir", alex)
    assert code == 0 and "1 conflict(s)" in out and "not met" in out
    conflict_id = out.split()[0]
    code, out, err = run(capsys, "resolve", "--data-dir", alex, conflict_id, "--keep", "9")
    assert code == 2 and "from 1 to 2" in err
    code, out, _ = run(capsys, "resolve", "--data-dir", alex, conflict_id, "--keep", "2")
    assert code == 0 and out.startswith("Resolved:")
    assert run(capsys, "conflicts", "--data-dir", alex)[1].strip() == "No conflicts."
    code, _, err = run(capsys, "resolve", "--data-dir", alex, conflict_id, "--keep", "1")
    assert code == 2 and "resolved already" in err
    for store in stores.values():
        store.close()


def test_plain_errors_for_a_missing_folder_a_bad_bundle_and_a_password_in_the_address(capsys, tmp_path,
                                                                                       monkeypatch):
    data = str(tmp_path / "data")
    code, _, err = run(capsys, "sync", "--data-dir", data, "--folder", str(tmp_path / "nope" / "qa"))
    assert code == 3 and "cannot be reached" in err and "Traceback" not in err
    (tmp_path / "x.qabundle").write_bytes(b"junk")
    code, _, err = run(capsys, "import-bundle", "--data-dir", data, str(tmp_path / "x.qabundle"))
    assert code == 2 and err.startswith("x.qabundle: is not a QA Desktop bundle")
    code, _, err = run(capsys, "sync-settings", "--data-dir", data, "--postgres", "postgresql://qa:pw@db/qa")
    assert code == 2 and "keyring" in err
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("\n"))
    code, _, err = run(capsys, "sync-settings", "--data-dir", data, "--postgres", "postgresql://qa@db/qa",
                       "--password-stdin")
    assert code == 2 and "empty password" in err
    assert not (tmp_path / "data" / SETTINGS_NAME).exists()  # neither was saved


def test_the_postgres_password_goes_to_the_keyring_and_never_to_a_file(capsys, tmp_path, monkeypatch,
                                                                        postgres_url, postgres_server, memory_keyring):
    data = tmp_path / "data"
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(postgres_server["password"] + "\n"))
    code, out, _ = run(capsys, "sync-settings", "--data-dir", str(data), "--postgres", postgres_url,
                       "--password-stdin")
    assert code == 0 and "PostgreSQL qa_officer@127.0.0.1" in out
    assert list(memory_keyring.passwords().values()) == [postgres_server["password"]]
    assert load_settings(data).url == postgres_url
    run(capsys, "demo", "--data-dir", str(data))
    code, out, err = run(capsys, "sync", "--data-dir", str(data))
    assert code == 0, err
    for path in data.rglob("*"):
        if path.is_file():
            assert postgres_server["password"].encode() not in path.read_bytes(), path
    for account in memory_keyring.passwords():
        del memory_keyring.secrets[account]  # the password is gone; the data folder's key stays
    code, _, err = run(capsys, "sync", "--data-dir", str(data))
    assert code == 2 and "Enter the password for PostgreSQL" in err


def test_no_keyring_is_said_plainly(monkeypatch):
    import keyring
    from keyring.backends import fail
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(CredentialsError, match="GNOME Keyring"):
        set_secret(TEAM_KEY_ACCOUNT, "x")


def test_secrets_survive_in_a_real_secret_service_keyring(tmp_path):
    """GNOME Keyring under a private D-Bus session: stored by one process, read by another."""
    for program in ("gnome-keyring-daemon", "dbus-run-session"):
        assert shutil.which(program), f"{program} is missing (./test installs gnome-keyring and dbus-daemon)"
    script = textwrap.dedent("""
        import sys, keyring
        from qa_desktop.credentials import get_secret, set_secret
        backend = type(keyring.get_keyring()).__module__
        if sys.argv[1] == "store":
            set_secret("postgresql:qa@db:5432/qa", "correct horse")
        print(backend, get_secret("postgresql:qa@db:5432/qa"))
    """)
    shell = (f"echo -n unlock | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; "
             f"{sys.executable} -c '{script}' store && {sys.executable} -c '{script}' read")
    env = {**os.environ, "HOME": str(tmp_path)}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    done = subprocess.run(["dbus-run-session", "--", "sh", "-c", shell], capture_output=True, text=True,
                          env=env, timeout=60)
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0 and len(lines) == 2, done.stderr
    assert all(line == "keyring.backends.SecretService correct horse" for line in lines), lines
