"""Distribution: who a provider's documents go to, and the Outlook-ready e-mail that sends one.

Section 11: the report is "distributed to the provider and key professionals". Per provider the
list is built from its contacts and their roles (``Contact.kind``, a ``ContactRole``: the provider,
the registered manager, placing social workers, the child's IRO, a commissioner, Access to
Resources), its lead commissioners (the one set on the provider, else Figure 4's for its service
type and contract route) and the council's Access to Resources team (the team's setting). A contact
recorded before roles existed has only its job title (``Contact.role``): ``role_of`` reads it.
Issuing an approved revision (``services.documents``) makes an ``.eml`` draft: addressed, the PDF
attached, subject and body from the team's template (``resources/letters/settings.yaml``, or the
team's own copy in ``DATA_DIR/letters/``). Outlook and most mail programs open it as a new message
ready to send (``X-Unsent: 1``), so the officer sends it from their own mailbox, as the council's
e-mail policy expects; QA Desktop sends nothing itself.

The draft holds the PDF in plain (base64) form: it is a plain copy of the report, like "Save report
as…". So it is written only where the officer chose (the window asks for the folder; the command line
takes ``--out``), never into the data folder, whose report files are kept encrypted
(``store.report_files``); the PDF is read from there into the message in memory.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path
from string import Template
from typing import Any

import yaml

from qa_desktop.atomic import write_atomically
from qa_desktop.domain.contacts import ContactRole
from qa_desktop.domain.documents import DEFAULT_REPLY_WORKING_DAYS, add_working_days
from qa_desktop.domain.roles import require_officer
from qa_desktop.paths import long_path, resources_dir
from qa_desktop.services import documents, providers
from qa_desktop.services.council import branding
from qa_desktop.services.documents import Addressee, Source
from qa_desktop.store.database import Store
from qa_desktop.store.models import Provider

LETTERS_FOLDER = "letters"
#: A settings file is a page of text; anything larger is not one.
MAX_SETTINGS_BYTES = 256 * 1024

#: Contact roles as people write them, to the roles of the distribution list (issue 18).
_ROLE_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("registered manager",), "Registered manager"),
    (("responsible individual", "nominated individual", "director", "owner", "provider"), "Provider"),
    (("independent reviewing", "iro"), "IRO"),
    (("social worker",), "Placing social worker"),
    (("commissioner",), "Commissioner"),
    (("access to resources",), "Access to Resources"),
)

#: A contact's role (``Contact.kind``) as the distribution list names it.
ROLE_NAMES: dict[ContactRole, str] = {
    ContactRole.PROVIDER: "Provider",
    ContactRole.REGISTERED_MANAGER: "Registered manager",
    ContactRole.PLACING_SOCIAL_WORKER: "Placing social worker",
    ContactRole.IRO: "IRO",
    ContactRole.COMMISSIONER: "Commissioner",
    ContactRole.ACCESS_TO_RESOURCES: "Access to Resources",
}

#: The order the list is shown in: the provider first, then the professionals.
ROLE_ORDER = ("Provider", "Registered manager", "Placing social worker", "IRO", "Commissioner",
              "Access to Resources")


def role_of(written: str | None) -> str:
    """The distribution role of a contact whose role is written as ``written`` (its own words if
    none matches: a service manager is still someone the team may send to)."""
    words = (written or "").lower()
    for keys, role in _ROLE_WORDS:
        if any(key in words.split() if key == "iro" else key in words for key in keys):
            return role
    return (written or "Contact").strip() or "Contact"


def settings(data_dir: Path) -> dict[str, Any]:
    """The team's letter settings: their own copy in ``DATA_DIR/letters/`` if there is one."""
    for folder in (data_dir / LETTERS_FOLDER, resources_dir() / LETTERS_FOLDER):
        path = folder / "settings.yaml"
        try:
            if path.stat().st_size > MAX_SETTINGS_BYTES:
                continue
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError, UnicodeDecodeError):
            continue  # a broken copy of the team's: the built-in settings still issue the document
        if isinstance(loaded, dict):
            return loaded
    return {}


def reply_working_days(data_dir: Path) -> int:
    value = settings(data_dir).get("reply_working_days", DEFAULT_REPLY_WORKING_DAYS)
    return value if isinstance(value, int) and 0 < value <= 60 else DEFAULT_REPLY_WORKING_DAYS


def distribution_list(store: Store, provider_id: str) -> list[Addressee]:
    """Everyone a provider's documents may go to: its contacts by role (their ``ContactRole``, or
    for a contact from before roles its written job title), its lead commissioners (Figure 4) and
    Access to Resources; the provider and registered manager first. Someone on it twice (a
    commissioner also kept as a contact, the team's own Access to Resources address) is listed once,
    under the role the contact record gives."""
    require_officer(store.user, "distribution lists")
    found: list[Addressee] = []
    with store.read() as session:
        provider = session.get(Provider, provider_id)
        if provider is None or provider.deleted:
            return []
        for contact in providers.contacts(session, provider_id):
            role = ROLE_NAMES[contact.kind] if contact.kind else role_of(contact.role)
            found.append(Addressee(contact.name, contact.email or None, role))
        found.extend(Addressee(c.name, c.email, "Commissioner")
                     for c in providers.provider_commissioners(session, provider_id))
    team = settings(store.data_dir).get("access_to_resources") or {}
    if isinstance(team, dict) and team.get("email"):
        found.append(Addressee(str(team.get("name") or "Access to Resources"), str(team["email"]),
                               "Access to Resources"))
    order = {role: n for n, role in enumerate(ROLE_ORDER)}
    return sorted(_once(found), key=lambda a: (order.get(a.role, len(order)), a.name.lower()))


def _once(people: Sequence[Addressee]) -> list[Addressee]:
    """Each e-mail address once (the first: contacts come before the commissioners and the team's
    setting); people without an address are all kept, the officer sees them and adds one."""
    seen: set[str] = set()
    kept: list[Addressee] = []
    for person in people:
        key = (person.email or "").strip().lower()
        if key and key in seen:
            continue
        seen.add(key)
        kept.append(person)
    return kept


@dataclass(frozen=True)
class Letter:
    """The words of the e-mail, filled in."""

    subject: str
    body: str


def email_text(data_dir: Path, fields: dict[str, str]) -> Letter:
    """Subject and body from the team's template, with ``$name`` placeholders filled in (one the
    template names but the records lack is left as written, never an error on issue day)."""
    email = settings(data_dir).get("email") or {}
    subject = str(email.get("subject") or "$document: $provider ($reference)")
    body = str(email.get("body") or "Please find attached the $document ($reference).\n")
    return Letter(Template(subject).safe_substitute(fields).replace("\n", " ").strip(),
                  Template(body).safe_substitute(fields))


def write_eml(path: Path, letter: Letter, to: Sequence[Addressee], attachments: Sequence[tuple[str, bytes]],
              when: dt.datetime) -> Path:
    """An unsent e-mail draft (RFC 5322), addressed, with the files attached (each its name and bytes).
    A plain copy of what it attaches: ``path`` must be where the officer chose (module docstring)."""
    message = EmailMessage(policy=SMTP)
    message["To"] = [Address(display_name=person.name, addr_spec=person.email) for person in to if person.email]
    message["Subject"] = letter.subject
    message["Date"] = format_datetime(when)
    message["X-Unsent"] = "1"  # Outlook opens it as a new message to send, not as one received
    message.set_content(letter.body)
    for name, data in attachments:
        kind, _ = mimetypes.guess_type(name)
        main, sub = (kind or "application/octet-stream").split("/", 1)
        message.add_attachment(data, maintype=main, subtype=sub, filename=name)
    path = long_path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, message.as_bytes())
    return path


@dataclass(frozen=True)
class Issued:
    """An issued revision: its PDF (the kept, encrypted file: read it through a viewing copy), the
    e-mail draft that sends it (a plain copy, where the officer chose), and when the reply is due."""

    pdf: Path
    eml: Path
    to: tuple[Addressee, ...]
    reply_due_on: dt.date


def _inside(folder: Path, data_dir: Path) -> bool:
    try:
        folder.resolve().relative_to(data_dir.resolve())
    except ValueError:
        return False
    return True


def _safe_name(text: str) -> str:
    """A file name Windows accepts (no : ? * " < > | / \\)."""
    return "".join("-" if c in ':?*"<>|/\\' else c for c in text).strip(" .")


def issue(store: Store, revision_id: str, source: Source, to: Sequence[Addressee], eml_folder: Path,
          reply_due_on: dt.date | None = None) -> Issued:
    """Issue an approved revision: recorded as sent to ``to`` now, with the provider's reply due
    (the team's default number of working days unless given), and an e-mail draft written to
    ``eml_folder`` with the PDF attached. The draft is a plain copy of the report: ``eml_folder`` is
    where the officer chose to put it, never the data folder (refused there: module docstring)."""
    if _inside(eml_folder, store.data_dir):
        raise ValueError(f"The e-mail draft holds the report in plain form, so it is not written into the data "
                         f"folder ({store.data_dir}), where reports are kept encrypted: choose another folder.")
    today = store.clock.today()
    due = reply_due_on or add_working_days(today, reply_working_days(store.data_dir))
    pdf = documents.mark_issued(store, revision_id, source, to, due)
    info = documents.document(store, revision_id)
    brand = branding(store)
    fields = {"document": source.kind.label, "provider": source.provider_name,
              "setting": source.setting_name or source.provider_name, "reference": source.reference,
              "revision": str(info.revision), "reply_due": f"{due.day} {due:%B %Y}",
              "council": brand.council_name, "service": brand.service_name, "sender": store.user.name}
    name = _safe_name(f"{source.reference} r{info.revision} {source.kind.label}") + ".eml"
    attached = (store.reports.name_of(pdf), store.reports.read(pdf))
    eml = write_eml(eml_folder / name, email_text(store.data_dir, fields), to, [attached], store.clock.now())
    return Issued(pdf, eml, tuple(to), due)
