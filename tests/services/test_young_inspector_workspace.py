"""A Young Inspector's workspace can do almost nothing, and the hand-over it runs on (issue 15, point 4).

Every public function of every service the workspace hands out is found by introspection (a service
added later, or a method, is caught the day it is written) and called with a Young Inspector's
workspace: each one refuses, before doing anything, unless it is on the short allow-list below, and
those on it give only the Young Inspector's own form and reading settings.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from qa_desktop.domain.roles import NotAllowed, Role
from qa_desktop.domain.young_inspectors import Comfort, Tint, Typeface, WithdrawalReason
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services.hand_over import HAND_OVER_KEY, hash_secret, secret_matches
from qa_desktop.services.provider_import import import_providers
from qa_desktop.store.database import Store
from qa_desktop.store.models import LocalState
from qa_desktop.sync.bundle import export_bundle
from qa_desktop.sync.conflicts import list_conflicts, resolve
from qa_desktop.sync.engine import sync
from qa_desktop.sync.folder import FolderStore
from qa_desktop.workspace import Workspace
from qa_desktop.workspace.guard import Service, allowed_to_young_inspector
from qa_desktop.workspace.hand_over import TooManyTries, UnlockError
from qa_desktop.workspace.visits import VisitRuleError
from tests.sync.conftest import make_visit

#: What a Young Inspector's workspace may call: their own form, their own reading settings. Nothing else.
ALLOW_LIST = {"visits.young_inspector_form", "hand_over.reading_comfort", "hand_over.set_reading_comfort"}
PIN = "482916"


@pytest.fixture
def officer(store):
    """The officer's workspace with a visit that has a Young Inspector form, and two Young Inspectors."""
    workspace = Workspace(store)
    visit_id = make_visit(store, TemplateLibrary.load())
    workspace.visits.add_young_inspector_form(visit_id)
    workspace.visit_id = visit_id
    workspace.sam = workspace.hand_over.add_young_inspector("Sam").value
    workspace.riley = workspace.hand_over.add_young_inspector("Riley").value
    return workspace


@pytest.fixture
def young(officer):
    officer.hand_over.set_unlock(PIN)
    young = officer.hand_over.start(officer.visit_id, officer.sam).value
    yield young
    young.close()


def services(workspace: Workspace) -> dict[str, object]:
    """Every service the workspace hands out: each public attribute that is an object of the workspace package
    (the services are made when first asked for, so the class is looked at as well as the object)."""
    names = {name for name in {*vars(workspace), *vars(type(workspace))} if not name.startswith("_")}
    found = {name: getattr(workspace, name) for name in names
             if not isinstance(getattr(type(workspace), name, None), property | classmethod)}
    return {name: value for name, value in found.items()
            if type(value).__module__.startswith("qa_desktop.workspace.")}


def public_functions(service: object) -> dict[str, object]:
    return {name: function for name, function in inspect.getmembers(type(service), inspect.isfunction)
            if not name.startswith("_")}


def placeholder_call(bound, function):
    """Call with a placeholder for every argument without a default (a refusal comes before any use)."""
    args, kwargs = [], {}
    for parameter in list(inspect.signature(function).parameters.values())[1:]:
        if parameter.default is not inspect.Parameter.empty or parameter.kind in (
                inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            continue
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[parameter.name] = None
        else:
            args.append(None)
    return bound(*args, **kwargs)


def op_count(store: Store) -> int:
    with store.read() as session:
        return session.execute(text("SELECT count(*) FROM ops")).scalar()


def test_every_service_function_refuses_a_young_inspector_unless_on_the_allow_list(officer, young):
    found = services(young)
    assert {"register", "visits", "oversight", "sync", "admin", "hand_over", "young_inspectors", "tracker",
            "partnership", "unregistered"} <= set(found)
    before_ops, before_files = op_count(officer._store), sorted(p.name for p in officer.data_dir.iterdir())
    called, allowed = [], set()
    for area, service in found.items():
        assert isinstance(service, Service), f"{area} is not a guarded Service"
        for name, function in public_functions(service).items():
            where = f"{area}.{name}"
            if allowed_to_young_inspector(function):
                allowed.add(where)
                continue
            with pytest.raises(NotAllowed, match="Young Inspector"):
                placeholder_call(getattr(service, name), function)
            called.append(where)
    assert allowed == ALLOW_LIST
    assert len(called) > 60  # every function of the register, visits, oversight, sync, admin and hand-over
    assert {"sync.conflicts", "sync.export_bundle", "sync.run", "register.import_providers", "sync.resolve",
            "visits.open", "visits.report", "oversight.cases", "hand_over.unlock", "admin.set_user"} <= set(called)
    assert op_count(officer._store) == before_ops  # nothing was written
    assert sorted(p.name for p in officer.data_dir.iterdir()) == before_files


def test_the_allowed_functions_give_only_the_young_inspectors_own(officer, young):
    form = young.visits.young_inspector_form(officer.visit_id)
    assert form.checklist.template.key == "young_inspector" and form.young_inspector_id == officer.sam
    form.set_answer("yi_welcome", 4)
    with pytest.raises(NotAllowed):
        young.visits.young_inspector_form("another-visit")
    own = young.hand_over.reading_comfort(officer.sam)
    assert own == Comfort()
    young.hand_over.set_reading_comfort(officer.sam, Comfort(Tint.CREAM, Typeface.WIDE, 150, 150))
    assert officer.hand_over.reading_comfort(officer.sam) == Comfort(Tint.CREAM, Typeface.WIDE, 150, 150)
    for attempt in (lambda: young.hand_over.reading_comfort(officer.riley),
                    lambda: young.hand_over.set_reading_comfort(officer.riley, Comfort(Tint.PINK))):
        with pytest.raises(NotAllowed, match="their own reading settings"):
            attempt()
    assert young.user.role is Role.YOUNG_INSPECTOR and young.user.assigned_visit == officer.visit_id
    assert young.user.name == "Sam (Young Inspector)"
    assert officer.visits.audit(officer.visit_id)  # the answer is in the trail, signed by the Young Inspector


def test_the_services_underneath_refuse_a_young_inspector_store_too(officer, young, tmp_path, write_csv):
    store = young._store
    path = write_csv("URN,Provision type,Name,Town,Postcode\nSC990001,Children's home,Oak House,Chatham,ME4 4AA\n")
    shared = FolderStore(tmp_path / "shared")
    made = sorted(shared.root.rglob("*"))
    for attempt in (lambda: list_conflicts(store), lambda: export_bundle(store, tmp_path / "all.qabundle"),
                    lambda: sync(store, shared), lambda: import_providers(store, path),
                    lambda: resolve(store, "any", "a note")):
        with pytest.raises(NotAllowed, match="Young Inspector"):
            attempt()
    with pytest.raises(NotAllowed), store.transaction():
        pass
    assert not (tmp_path / "all.qabundle").exists() and sorted(shared.root.rglob("*")) == made


def test_the_unlock_secret_is_hashed_checked_and_slowed_down(officer):
    with pytest.raises(UnlockError, match="Set your unlock PIN"):
        officer.hand_over.start(officer.visit_id, officer.sam)
    for weak, why in (("1234", "at least 6 digits"), ("111111", "too easy"), ("123456", "too easy"),
                      ("short", "at least 8 characters"), ("pass\x07word", "control character")):
        with pytest.raises(ValueError, match=why):
            officer.hand_over.set_unlock(weak)
    officer.hand_over.set_unlock(PIN)
    with officer._store.read() as session:
        stored = [row.value for row in session.query(LocalState) if row.key.startswith("unlock:")]
    assert len(stored) == 1 and PIN not in stored[0] and stored[0].startswith("scrypt$16384$8$1$")
    assert secret_matches(PIN, stored[0]) and not secret_matches("482917", stored[0])
    assert hash_secret(PIN) != hash_secret(PIN)  # salted

    young = officer.hand_over.start(officer.visit_id, officer.sam).value
    assert officer.hand_over.in_progress().visit_id == officer.visit_id
    with pytest.raises(UnlockError, match="unlock the hand-over with your PIN first"):
        officer.hand_over.set_unlock("999111")  # no changing it from behind the kiosk
    for _ in range(5):
        assert officer.hand_over.unlock("000000") is False
    with pytest.raises(TooManyTries, match="Try again in 30 seconds"):
        officer.hand_over.unlock(PIN)  # even the right one waits
    officer.clock.advance(dt.timedelta(seconds=31))
    assert officer.hand_over.unlock("000001") is False
    with pytest.raises(TooManyTries, match="Try again in 60 seconds"):
        officer.hand_over.unlock(PIN)
    officer.clock.advance(dt.timedelta(seconds=61))
    assert officer.hand_over.unlock(PIN) is True
    assert officer.hand_over.in_progress() is None
    young.close()


def test_a_hand_over_survives_the_program_ending_and_a_new_login_ends_it(officer, store):
    officer.hand_over.set_unlock(PIN)
    officer.hand_over.start(officer.visit_id, officer.sam).value.close()
    officer.close()
    again = Workspace.open(store.data_dir, key=store.key)  # the program is started again: same login session
    left = again.hand_over.in_progress()
    assert left.same_login and left.visit_id == officer.visit_id and left.young_inspector_id == officer.sam
    with pytest.raises(UnlockError, match="Sign out of Windows and sign in again"):
        again.hand_over.end_from_earlier_login()
    with again._store.transaction() as session:  # as if signed in again: the login recorded is another's
        row = session.get(LocalState, HAND_OVER_KEY)
        row.value = json.dumps({**json.loads(row.value), "login": "linux:another-boot:7"})
    assert not again.hand_over.in_progress().same_login
    assert again.hand_over.end_from_earlier_login().value.visit_id == officer.visit_id
    assert again.hand_over.in_progress() is None
    again.hand_over.set_unlock("739104")  # a forgotten PIN replaced, no old one asked outside a hand-over
    again.close()


def test_a_form_is_withdrawn_with_a_reason_so_the_visit_can_complete(officer, tmp_path):
    visits, visit_id = officer.visits, officer.visit_id
    assert any(p.startswith("Young Inspector") for p in visits.open(visit_id).problems_before_completion())
    with pytest.raises(VisitRuleError, match="Say why"):
        visits.withdraw_young_inspector_form(visit_id, reason=WithdrawalReason.OTHER, officer="Alex Patel")
    visits.withdraw_young_inspector_form(visit_id, reason=WithdrawalReason.OPTED_OUT, detail="Did not want to, today",
                                         officer="Alex Patel")
    withdrawn = visits.young_inspector_withdrawal(visit_id)
    assert withdrawn.reason is WithdrawalReason.OPTED_OUT and withdrawn.by == "Alex Patel"
    assert abs(withdrawn.at - officer.clock.now()) < dt.timedelta(minutes=1)
    assert not [p for p in visits.open(visit_id).problems_before_completion() if p.startswith("Young Inspector")]
    with pytest.raises(VisitRuleError, match="already withdrawn"):
        visits.withdraw_young_inspector_form(visit_id, reason=WithdrawalReason.UNAVAILABLE, officer="Jo Morgan")
    with pytest.raises(VisitRuleError, match="nothing to accept"):
        visits.accept_young_inspector_form(visit_id, "Alex Patel")
    officer.hand_over.set_unlock(PIN)
    with pytest.raises(VisitRuleError, match="withdrawn"):
        officer.hand_over.start(visit_id, officer.sam)
    trail = {(line.who, line.field, line.value) for line in visits.audit(visit_id)}
    assert {("officer.test", "withdrawn_reason", "opted_out"), ("officer.test", "withdrawn_by", "Alex Patel"),
            ("officer.test", "withdrawn_detail", "Did not want to, today")} <= trail  # audited

    # the report says so, in general words (never the officer's detail about the young person)
    report = visits.report(visit_id, tmp_path / "report.pdf").value.path
    words = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(report).pages)
    assert ("A Young Inspector was due to take part in this visit but did not: they chose not to take part."
            in words) and "Did not want to" not in words
    with pytest.raises(VisitRuleError, match="there is no Young Inspector report"):
        visits.young_inspector_report(visit_id, tmp_path / "yi.pdf")

    # it syncs: another laptop sees the form withdrawn and can complete the visit
    other = Store(tmp_path / "jo", actor="jo")
    shared = FolderStore(tmp_path / "shared")
    sync(officer._store, shared)
    sync(other, shared)
    jo = Workspace(other)
    assert jo.visits.young_inspector_withdrawal(visit_id).reason is WithdrawalReason.OPTED_OUT
    assert not [p for p in jo.visits.open(visit_id).problems_before_completion() if p.startswith("Young Inspector")]
    jo.close()


def test_an_accepted_form_cannot_be_withdrawn(officer):
    form = officer.visits.young_inspector_form(officer.visit_id)
    for item in form.checklist.visible_items():
        if item.required:
            form.set_answer(item.key, {"faces": 4, "yes_no": "yes", "text": "Good", "multi_choice": ["Cooking"]}[
                item.response.value])
    officer.visits.accept_young_inspector_form(officer.visit_id, "Alex Patel")
    with pytest.raises(VisitRuleError, match="cannot be withdrawn"):
        officer.visits.withdraw_young_inspector_form(officer.visit_id, reason=WithdrawalReason.OPTED_OUT,
                                                     officer="Alex Patel")


def test_the_command_line_withdraws_a_form_with_the_reason(officer, capsys):
    from qa_desktop.cli import main

    data = ["--data-dir", str(officer.data_dir)]
    visit = officer.visit_id[:8]
    assert main(["young-inspector", visit, *data]) == 0
    assert "in use (not withdrawn)" in capsys.readouterr().out
    assert main(["young-inspector", visit, "--withdraw", "other", *data]) == 2
    assert "Say why" in capsys.readouterr().err
    assert main(["young-inspector", visit, "--withdraw", "unavailable", "--officer", "Jo Morgan", *data]) == 0
    assert "Withdrawn by Jo Morgan on 22 Nov 2026" in capsys.readouterr().out
    assert officer.visits.young_inspector_withdrawal(officer.visit_id).reason is WithdrawalReason.UNAVAILABLE
