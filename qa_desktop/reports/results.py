"""What a report build hands back and takes, without ReportLab or python-docx: the services and
the workspace name these types at import, while the builders (``pages``, ``visit_report``, ``word``)
are imported when a report is made. Starting the window no longer loads ReportLab and python-docx
(about 0.15 s of a cold start, issue 22)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Progress", "ReportResult", "Standing", "no_progress"]


@dataclass(frozen=True)
class Standing:
    """Where a document stands in its lifecycle, as its pages say it (the services decide it:
    ``services.documents``): when it was made, whether it is a draft and why, who submitted and
    who approved it, and what an earlier revision it corrects."""

    made_at: dt.datetime
    draft: str | None = None
    submitted_by: str | None = None
    submitted_on: dt.date | None = None
    approved_by: str | None = None
    approved_on: dt.date | None = None
    corrects: str | None = None

    def status_words(self) -> str:
        if self.draft:
            return f"Draft: {self.draft}"
        if self.approved_by and self.approved_on:
            return f"Approved by {self.approved_by} (QA lead) on {self.approved_on:%d %B %Y}"
        if self.submitted_by and self.submitted_on:
            return f"Submitted by {self.submitted_by} on {self.submitted_on:%d %B %Y}, for the QA lead's approval"
        return "Ready to submit for the QA lead's approval"


@dataclass(frozen=True)
class ReportResult:
    path: Path
    pages: int
    photos: int
    warnings: tuple[str, ...]  # e.g. a photo missing on this laptop: shown as a placeholder
    reused: bool = False  # nothing had changed: this is the existing file, not rebuilt


#: ``progress(message, done, total)``, as the sync engine reports it; ``total`` 0 means "not known yet".
Progress = Callable[[str, int, int], None]


def no_progress(message: str, done: int, total: int) -> None:
    pass
