"""Distribution (issue 18): a provider's list from its contacts and their roles, its lead commissioner
(Figure 4) and Access to Resources; issuing makes an Outlook-ready .eml, parsed back here with its
recipients and its PDF; sent to whom and when is recorded, and the reply due is shown with what is due."""

from __future__ import annotations

import datetime as dt
import email
from email import policy

import pytest

from qa_desktop.cli import main
from qa_desktop.domain.contacts import ContactRole
from qa_desktop.domain.documents import DocumentStatus, add_working_days
from qa_desktop.domain.service_types import ServiceType
from qa_desktop.forms.library import TemplateLibrary
from qa_desktop.services.distribution import role_of
from qa_desktop.store.models import Commissioner, Contact
from qa_desktop.workspace import Workspace
from tests.services.test_documents import finish
from tests.sync.conftest import make_visit


def with_contacts(store, visit_id: str) -> str:
    ws = Workspace(store, TemplateLibrary.load())
    provider_id = ws.visits.header(visit_id).provider_id
    from qa_desktop.store.models import Provider
    with store.write() as changes:
        lead = changes.create(Commissioner, name="Priya Sharma", email="priya.sharma@example.gov.uk")
        changes.update(changes.session.get(Provider, provider_id), lead_commissioner_id=lead.id)
        for name, role, address in (("Dana Whitfield", "Registered Manager", "dana@example.org.uk"),
                                    ("Harbour Care Ltd", "Responsible Individual", "ri@harbourcare.example"),
                                    ("Sam Okafor", "Placing social worker", "sam.okafor@example.gov.uk"),
                                    ("Lee Carter", "IRO", "lee.carter@example.gov.uk"),
                                    ("Night staff", "Support worker", None)):
            changes.create(Contact, provider_id=provider_id, name=name, role=role, email=address)
    return provider_id


def test_role_words_as_people_write_them():
    assert role_of("Registered Manager") == "Registered manager"
    assert role_of("Independent Reviewing Officer") == "IRO" and role_of("IRO (Kent)") == "IRO"
    assert role_of("Responsible individual") == "Provider"
    assert role_of("Social Worker, placing team") == "Placing social worker"
    assert role_of("Service manager") == "Service manager" and role_of(None) == "Contact"


def test_the_distribution_list_has_the_provider_first_then_the_professionals(store):
    visit_id = make_visit(store, TemplateLibrary.load())
    provider_id = with_contacts(store, visit_id)
    people = Workspace(store).documents.distribution(provider_id)
    assert [(p.name, p.role) for p in people] == [
        ("Harbour Care Ltd", "Provider"), ("Dana Whitfield", "Registered manager"),
        ("Sam Okafor", "Placing social worker"), ("Lee Carter", "IRO"), ("Priya Sharma", "Commissioner"),
        ("Access to Resources", "Access to Resources"), ("Night staff", "Support worker")]


def test_issuing_makes_an_outlook_ready_eml_with_the_pdf_and_records_who_and_when(store, lead, tmp_path, capsys):
    officer = Workspace(store, TemplateLibrary.load())
    visit_id = make_visit(store, TemplateLibrary.load())
    provider_id = with_contacts(store, visit_id)
    finish(officer, visit_id)
    officer.visits.report(visit_id)
    info = officer.documents.latest(visit_id)
    officer.documents.submit(info.id)
    Workspace(lead, TemplateLibrary.load()).documents.approve(info.id)
    chosen = [p for p in officer.documents.distribution(provider_id) if p.email]
    issued = officer.documents.issue(info.id, chosen, tmp_path / "outbox").value

    message = email.message_from_bytes(issued.eml.read_bytes(), policy=policy.default)
    assert message["X-Unsent"] == "1"  # Outlook opens it as a message to send
    to = [address.addr_spec for address in message["To"].addresses]
    assert to == ["ri@harbourcare.example", "dana@example.org.uk", "sam.okafor@example.gov.uk",
                  "lee.carter@example.gov.uk", "priya.sharma@example.gov.uk", "access.to.resources@example.gov.uk"]
    assert message["Subject"] == f"QA visit report: Harbour View, Harbour View ({issued.pdf.stem.rsplit('-r', 1)[0]})"
    body = message.get_body(("plain",)).get_content()
    due = add_working_days(dt.date(2026, 11, 22), 10)
    assert due == dt.date(2026, 12, 4)  # ten working days from Sunday 22 November
    assert "by 4 December 2026" in body and "revision 1" in body and "officer.test" in body
    # a paragraph is one line, which the mail program wraps (walk6: a break in mid-sentence, "…,\nrevision 1.")
    assert any(line.startswith("Please find attached") and line.endswith("revision 1.") for line in body.splitlines())
    (attachment,) = list(message.iter_attachments())
    # the PDF kept encrypted in the data folder, attached readable to the draft where the officer chose
    assert issued.pdf.name.endswith(".pdf.sealed") and not issued.pdf.read_bytes().startswith(b"%PDF")
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == issued.pdf.name.removesuffix(".sealed")
    assert attachment.get_content() == store.reports.read(issued.pdf)
    assert attachment.get_content().startswith(b"%PDF")
    assert issued.eml.parent == tmp_path / "outbox"
    assert ":" not in issued.eml.name  # a name Windows accepts

    recorded = officer.documents.get(info.id)
    assert {s.name for s in recorded.sent_to} == {p.name for p in chosen}
    assert len({s.sent_at for s in recorded.sent_to}) == 1  # sent together, when issued
    assert recorded.sent_to[0].sent_at.date() == dt.date(2026, 11, 22)
    assert recorded.issued_at == recorded.sent_to[0].sent_at
    assert recorded.reply_due_on == due

    # what is due: the reply awaited, overdue once its date has passed, gone once received
    (awaited,) = officer.documents.replies_due()
    assert awaited.provider == "Harbour View" and awaited.due_on == due and not awaited.overdue
    assert main(["due", "--data-dir", str(store.data_dir)]) == 0
    assert "Providers' replies awaited" in capsys.readouterr().out
    officer.clock.set(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC))
    assert officer.documents.replies_due()[0].overdue
    officer.documents.record_reply(info.id, dt.date(2026, 12, 7), "Factual accuracy comments: none")
    assert officer.documents.replies_due() == []
    assert officer.documents.get(info.id).reply_received_on == dt.date(2026, 12, 7)


def test_the_e_mail_draft_is_never_written_into_the_data_folder(store, lead, tmp_path):
    """The draft holds the report in plain form: the data folder (where reports are kept encrypted) is
    refused before anything is recorded, and the revision can still be issued elsewhere."""
    officer = Workspace(store, TemplateLibrary.load())
    visit_id = make_visit(store, TemplateLibrary.load())
    provider_id = with_contacts(store, visit_id)
    finish(officer, visit_id)
    officer.visits.report(visit_id)
    info = officer.documents.latest(visit_id)
    officer.documents.submit(info.id)
    Workspace(lead, TemplateLibrary.load()).documents.approve(info.id)
    chosen = [p for p in officer.documents.distribution(provider_id) if p.email]
    with pytest.raises(ValueError, match="not written into the data folder"):
        officer.documents.issue(info.id, chosen, store.data_dir / "outbox")
    assert not list(store.data_dir.rglob("*.eml"))
    assert officer.documents.get(info.id).status is DocumentStatus.APPROVED  # nothing recorded
    assert officer.documents.issue(info.id, chosen, tmp_path).value.eml.parent == tmp_path


def test_the_team_edits_the_email_template_and_reply_days_in_its_own_copy(store, lead, tmp_path):
    letters = store.data_dir / "letters"
    letters.mkdir(parents=True)
    (letters / "settings.yaml").write_text(
        "reply_working_days: 5\nemail:\n  subject: 'For action: $document ($reference)'\n"
        "  body: 'Hello $provider, reply by $reply_due please. $unknown stays as written.'\n", encoding="utf-8")
    officer = Workspace(store, TemplateLibrary.load())
    visit_id = make_visit(store, TemplateLibrary.load())
    provider_id = with_contacts(store, visit_id)
    finish(officer, visit_id)
    officer.visits.report(visit_id)
    info = officer.documents.latest(visit_id)
    officer.documents.submit(info.id)
    Workspace(lead, TemplateLibrary.load()).documents.approve(info.id)
    registered = [p for p in officer.documents.distribution(provider_id) if p.role == "Registered manager"]
    issued = officer.documents.issue(info.id, registered, tmp_path).value
    message = email.message_from_bytes(issued.eml.read_bytes(), policy=policy.default)
    assert message["Subject"].startswith("For action: QA visit report (QA-")
    assert message.get_body(("plain",)).get_content().strip() == \
        "Hello Harbour View, reply by 27 November 2026 please. $unknown stays as written."
    assert issued.reply_due_on == dt.date(2026, 11, 27)  # five working days


def test_the_list_comes_from_the_contacts_roles_and_figure_4_and_the_eml_is_addressed_to_them(store, lead, tmp_path):
    """Contacts given a role (``ContactRole``) through the workspace are addressed by that role, whatever
    their job title says; the lead commissioner comes from Figure 4 (service type) when none is set on the
    provider; a contact from before roles keeps its written role; nobody is addressed twice."""
    officer = Workspace(store, TemplateLibrary.load())
    visit_id = make_visit(store, TemplateLibrary.load())
    provider_id = officer.visits.header(visit_id).provider_id
    contacts = officer.providers
    contacts.add_contact(provider_id, name="Ruth Bell", kind=ContactRole.REGISTERED_MANAGER,
                         role="Home manager", email="ruth.bell@harbour.example")
    contacts.add_contact(provider_id, name="Harbour Care Ltd", kind=ContactRole.PROVIDER,
                         role="Head office", email="office@harbour.example")
    contacts.add_contact(provider_id, name="Kofi Mensah", kind=ContactRole.PLACING_SOCIAL_WORKER,
                         role="Children in Care team", email="kofi.mensah@example.gov.uk")
    contacts.add_contact(provider_id, name="Ann Lowe", kind=ContactRole.IRO,
                         role="Reviewing officer (agency)", email="ann.lowe@example.gov.uk")
    contacts.add_contact(provider_id, name="ART duty desk", kind=ContactRole.ACCESS_TO_RESOURCES,
                         email="access.to.resources@example.gov.uk")  # the team's setting's address too
    with store.write() as changes:  # contacts recorded before roles existed: only their job title
        changes.create(Contact, provider_id=provider_id, name="Old record", role="Registered Manager (deputy)",
                       email="deputy@harbour.example")
        changes.create(Contact, provider_id=provider_id, name="Cook", role="Chef")
    contacts.add_commissioner(name="Morgan Reid", email="morgan.reid@example.gov.uk",
                              service_types=[ServiceType.RESIDENTIAL])  # Figure 4: leads on residential homes
    contacts.add_commissioner(name="Not Ours", email="fostering@example.gov.uk",
                              service_types=[ServiceType.IFA])

    people = officer.documents.distribution(provider_id)
    assert [(p.name, p.role) for p in people] == [
        ("Harbour Care Ltd", "Provider"), ("Old record", "Registered manager"), ("Ruth Bell", "Registered manager"),
        ("Kofi Mensah", "Placing social worker"), ("Ann Lowe", "IRO"), ("Morgan Reid", "Commissioner"),
        ("ART duty desk", "Access to Resources"), ("Cook", "Chef")]

    finish(officer, visit_id)
    officer.visits.report(visit_id)
    info = officer.documents.latest(visit_id)
    officer.documents.submit(info.id)
    Workspace(lead, TemplateLibrary.load()).documents.approve(info.id)
    issued = officer.documents.issue(info.id, [p for p in people if p.email], tmp_path / "outbox").value
    message = email.message_from_bytes(issued.eml.read_bytes(), policy=policy.default)
    assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [
        ("Harbour Care Ltd", "office@harbour.example"), ("Old record", "deputy@harbour.example"),
        ("Ruth Bell", "ruth.bell@harbour.example"), ("Kofi Mensah", "kofi.mensah@example.gov.uk"),
        ("Ann Lowe", "ann.lowe@example.gov.uk"), ("Morgan Reid", "morgan.reid@example.gov.uk"),
        ("ART duty desk", "access.to.resources@example.gov.uk")]
    assert {(s.name, s.role) for s in officer.documents.get(info.id).sent_to} >= {
        ("Ann Lowe", "IRO"), ("Morgan Reid", "Commissioner")}
