"""The audit trail in the officers' words: field labels rather than column names, answers as the
visit screen says them, photos by caption, dates as dates, and names rather than record ids.

The op log stores what the database stores (``value: "not_met"``, ``setting_id: "5f0c…"``); an
officer reading who changed what needs "Answer: Not met" and "Setting: Harbour View".
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from qa_desktop.store.models import Provider, Setting, Visit

#: (table or "*", column) -> label; the first match wins.
_LABELS: dict[tuple[str, str], str] = {
    ("answers", "value"): "Answer", ("answers", "note"): "Note", ("answers", "evidence"): "Photos",
    ("answers", "template_key"): "Checklist", ("answers", "item_key"): "Item",
    ("visit_actions", "text"): "Action", ("plan_actions", "text"): "Action",
    ("*", "level"): "Concern level", ("*", "raised_at"): "Raised", ("*", "due_at"): "Due by (Figure 8)",
    ("*", "extended_to"): "Extended to", ("*", "extension_reason"): "Reason for the extension",
    ("*", "completed_at"): "Completed", ("*", "evidence"): "Evidence", ("*", "visit_date"): "Visit date",
    ("*", "setting_id"): "Setting", ("*", "provider_id"): "Provider", ("*", "visit_id"): "Visit",
    ("*", "snapshot_id"): "Template version", ("*", "template_key"): "Checklist", ("*", "status"): "Status",
    ("*", "officers"): "Officers", ("*", "announced"): "Announced", ("*", "reason"): "Reason",
    ("*", "deleted"): "Deleted", ("*", "accepted_by"): "Accepted by", ("*", "accepted_at"): "Accepted",
    ("*", "judgement"): "Latest judgement", ("*", "judgement_date"): "Judgement date", ("*", "urn"): "URN",
    ("*", "service_type"): "Service type", ("*", "organisation"): "Owned by", ("*", "postcode"): "Postcode",
    ("*", "address_line1"): "Address", ("*", "address_line2"): "Address (line 2)", ("*", "capacity"): "Places",
    ("*", "registration_status"): "Registration", ("*", "local_authority"): "Local authority",
    ("*", "opened_on"): "Opened", ("*", "closed_on"): "Closed", ("*", "start_on"): "Starts",
    ("*", "review_on"): "Review", ("*", "end_on"): "Ends", ("*", "received_on"): "Received",
    ("*", "social_work_informed_on"): "Social work team told", ("*", "issued_on"): "Issued",
    ("*", "approved_by"): "Approved by", ("*", "safeguarding"): "Safeguarding", ("*", "fingerprint"): "Contents",
    ("*", "file_name"): "File", ("*", "pages"): "Pages", ("*", "revision"): "Revision", ("*", "kind"): "Kind",
}
_ANSWERS = {"met": "Met", "not_met": "Not met", "not_applicable": "N/A", "yes": "Yes", "no": "No"}
#: Columns that hold the id of another record, and how to name it.
_REFERENCES: dict[str, Callable[[Session, str], str | None]] = {
    "setting_id": lambda s, i: (row.name if (row := s.get(Setting, i)) else None),
    "provider_id": lambda s, i: (row.name if (row := s.get(Provider, i)) else None),
    "visit_id": lambda s, i: (f"{row.visit_date:%d %b %Y}" if (row := s.get(Visit, i)) else None),
}


def field_label(entity: str, name: str) -> str:
    return _LABELS.get((entity, name)) or _LABELS.get(("*", name)) or name.replace("_", " ").capitalize()


def value_words(session: Session, entity: str, name: str, value: Any) -> str:
    """A stored value as people read it."""
    if value is None or value == "":
        return "(blank)"
    if name in _REFERENCES and isinstance(value, str):
        return _REFERENCES[name](session, value) or "(a record not on this laptop)"
    if name == "snapshot_id":
        return "as the visit started"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if entity == "answers" and name == "value":
        return _answer_words(value)
    if name == "evidence" and isinstance(value, list):
        captions = [str(e.get("caption") or "no caption") for e in value if isinstance(e, dict)]
        return f"{len(captions)} photo{'s' if len(captions) != 1 else ''}" + (f": {'; '.join(captions)}"
                                                                              if captions else "")
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value) or "(none)"
    if isinstance(value, str):
        return _date_words(value) or _ANSWERS.get(value) or _enum_words(value)
    return json.dumps(value, ensure_ascii=False)


def _answer_words(value: Any) -> str:
    if isinstance(value, str):
        return _ANSWERS.get(value, value)
    if isinstance(value, dict) and "seen" in value:
        seen = "Seen" if value.get("seen") else "Not seen"
        dated = f", dated {_date_words(value['dated']) or value['dated']}" if value.get("dated") else ""
        expires = (f", expires {_date_words(value['expires']) or value['expires']}" if value.get("expires")
                   else ", expiry not recorded")
        return seen + dated + expires
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    return str(value)


def _date_words(text: str) -> str | None:
    try:
        if len(text) == 10:
            return f"{dt.date.fromisoformat(text):%d %b %Y}"
        if len(text) >= 16 and text[10] in "T ":
            moment = dt.datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            return f"{moment.astimezone():%d %b %Y %H:%M}"
    except ValueError:
        return None
    return None


def _enum_words(text: str) -> str:
    """A stored code ("requires_improvement") as words; other text as typed."""
    if text.isascii() and text.islower() and " " not in text and "_" in text:
        return text.replace("_", " ").capitalize()
    return text
