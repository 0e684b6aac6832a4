"""The register feeds Section 12: what the regulator's data says about a provider becomes the alerts
the team would have logged by hand from the regulator's letters.

Given a provider's facts before and after an import, and its regulatory alerts, ``watch`` says
which alerts to raise and which to close (plain data; the import writes them):

- A judgement of Requires Improvement or below (``domain.registration.POOR_JUDGEMENTS``) raises an
  alert with the 12-week review, once per inspection: an alert already standing for the same
  inspection (raised by an earlier import, or logged by an officer after it) is not raised again,
  even if an officer has since closed it.
- A later judgement supersedes the alerts about an earlier one: they close, naming the alert that
  replaced them (Section 12: Ofsted "will send an updated alert"); a Good or Outstanding judgement
  closes them with nothing in their place. An alert logged after the inspection (widespread
  concerns, say) is left alone.
- A suspended or restricted registration raises a suspension or restriction alert unless one is
  open; a registration that goes from suspended or restricted back to active closes them ("the
  previous restriction has been lifted").
- CQC and the Care Inspectorate "do not issue any formal alerts like Ofsted": their judgement of
  Requires Improvement or below is logged as such (``AlertKind.POOR_JUDGEMENT``).

A closed registration is not an alert: the import records the day it ceased operating, which
puts the provider on the sanctions list as "Ceased operating".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from qa_desktop.domain.oversight import AlertKind, alert_review_date
from qa_desktop.domain.registration import JUDGEMENT_ALERTS, POOR_JUDGEMENTS, STANDING_ALERTS, Standing, standing
from qa_desktop.domain.regulation import Judgement, Regulator


class Facts(NamedTuple):
    """What the register says of a provider that matters to Section 12. (A named tuple rather than a frozen
    dataclass: an import makes one or two for each of its 10,000 rows, and a frozen dataclass's are made
    field by field.)"""

    regulator: Regulator | None
    judgement: Judgement | None
    judgement_date: dt.date | None
    status: str | None


@dataclass(frozen=True)
class KnownAlert:
    id: str
    kind: AlertKind
    received_on: dt.date
    effective_on: dt.date | None
    closed_on: dt.date | None

    @property
    def open(self) -> bool:
        return self.closed_on is None

    @property
    def dated(self) -> dt.date:
        """The day it speaks of: the inspection or change it stands for, else when it was received."""
        return self.effective_on or self.received_on


@dataclass(frozen=True)
class NewAlert:
    id: str
    regulator: Regulator
    kind: AlertKind
    effective_on: dt.date | None
    review_on: dt.date | None
    summary: str


@dataclass(frozen=True)
class Closing:
    alert_id: str
    kind: AlertKind
    superseded_by: str | None
    reason: str


@dataclass
class Watch:
    raised: list[NewAlert] = field(default_factory=list)
    closed: list[Closing] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.raised or self.closed)


@lru_cache(maxsize=4096, typed=True)  # an import says it of each added provider, and a few judgements and days recur
def judgement_words(judgement: Judgement | None, on: dt.date | None) -> str:
    if judgement is None:
        return "no judgement"
    # the day as ``%d/%m/%Y`` writes it, without ``strftime`` (every added provider's change line and alert)
    return f"{judgement.label}, inspected {on.day:02d}/{on.month:02d}/{on.year}" if on else judgement.label


#: The id of an alert to raise, from its kind and the day it speaks of (``None``: not known).
AlertId = Callable[[AlertKind, "dt.date | None"], str]


def watch(before: Facts | None, after: Facts, alerts: Sequence[KnownAlert], today: dt.date,
          new_id: AlertId) -> Watch:
    """What Section 12 asks of the register after a provider's facts changed from ``before`` (None:
    new to the register) to ``after``. ``new_id`` gives a raised alert its id: the import derives it
    from the provider, the kind and the inspection, so two laptops importing the same file raise
    the same alert, which sync meets as one."""
    result = Watch()
    _judgement(after, alerts, today, new_id, result)
    _standing(before, after, alerts, today, new_id, result)
    return result


def _judgement_alert_kind(regulator: Regulator | None, judgement: Judgement | None) -> AlertKind | None:
    kind = POOR_JUDGEMENTS.get(judgement) if judgement is not None else None
    if kind is not None and regulator not in (Regulator.OFSTED, None):
        return AlertKind.POOR_JUDGEMENT  # CQC and the Care Inspectorate: "restrictions" follow RI or below
    return kind


def _judgement(after: Facts, alerts: Sequence[KnownAlert], today: dt.date, new_id: AlertId,
               result: Watch) -> None:
    if after.judgement is None:
        return
    about = [a for a in alerts if a.kind in JUDGEMENT_ALERTS]
    inspected = after.judgement_date
    kind = _judgement_alert_kind(after.regulator, after.judgement)

    def same_inspection(alert: KnownAlert) -> bool:
        if alert.effective_on is not None:
            return alert.effective_on == inspected
        return inspected is None or alert.received_on >= inspected  # logged by an officer after it

    if kind is not None:
        if any(a.kind is kind and same_inspection(a) for a in about):
            return  # raised before (and perhaps closed by an officer since): once per inspection
        regulator = after.regulator or Regulator.OFSTED
        raised = NewAlert(new_id(kind, inspected), regulator, kind, inspected,
                          alert_review_date(kind, today),
                          f"{regulator.label} judged the provider {judgement_words(after.judgement, inspected)} "
                          "(overall experiences and progress of children and young people).")
        result.raised.append(raised)
        later = f"superseded by the later judgement ({judgement_words(after.judgement, inspected)})"
        for alert in about:
            if alert.open and (inspected is None or alert.dated <= inspected):
                result.closed.append(Closing(alert.id, alert.kind, raised.id, later))
        return
    if inspected is None:
        return
    for alert in about:
        if alert.open and alert.dated < inspected:
            result.closed.append(Closing(alert.id, alert.kind, None,
                                         f"superseded: judged {judgement_words(after.judgement, inspected)}"))


def _standing(before: Facts | None, after: Facts, alerts: Sequence[KnownAlert], today: dt.date,
              new_id: AlertId, result: Watch) -> None:
    now = standing(after.status)
    was = standing(before.status) if before is not None else None
    if now in (Standing.SUSPENDED, Standing.RESTRICTED):
        kind = STANDING_ALERTS[now]
        if not any(a.kind is kind and a.open for a in alerts):
            regulator = after.regulator or Regulator.OFSTED
            result.raised.append(NewAlert(new_id(kind, None), regulator, kind, None, alert_review_date(kind, today),
                                          f"{regulator.label}'s data gives the registration status as "
                                          f"{after.status!r}: {now.label.lower()}."))
    if now is Standing.ACTIVE and was in (Standing.SUSPENDED, Standing.RESTRICTED):
        for alert in alerts:
            if alert.open and alert.kind in (AlertKind.SUSPENSION, AlertKind.RESTRICTION):
                result.closed.append(Closing(alert.id, alert.kind, None,
                                             f"lifted: the registration status is {after.status!r} again"))
