"""What choosing an unannounced visit presets, shared by Plan a visit and Start a visit.

Section 11: unannounced visits "will be triggered when significant concerns have been identified and
raised about a provider", and they are Assurance/Monitoring visits. The provider page's offer of an
unannounced visit after a concern has the reason "Concern raised" and that level; choosing
Unannounced in either dialog presets the same (walk7 found "Routine" left in Plan a visit, the
closing note of session 7 the same in Start a visit). Choosing Announced again puts back what the
form had. A reason or level the officer picked themselves (``activated``: by mouse or keyboard, not
by the form) is theirs and is left as it is.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QComboBox, QRadioButton

from qa_desktop.domain.visits import VisitLevel, VisitReason


class UnannouncedPresets(QObject):
    """Follows ``unannounced`` and presets ``reason`` and ``level`` (combo boxes holding the enums'
    values as their data) until the officer picks either themselves."""

    def __init__(self, unannounced: QRadioButton, reason: QComboBox, level: QComboBox) -> None:
        super().__init__(unannounced)
        self.reason, self.level = reason, level
        self._preset = (reason.currentIndex(), level.currentIndex())
        self.chosen = {"reason": False, "level": False}
        reason.activated.connect(lambda _at: self.chosen.update(reason=True))
        level.activated.connect(lambda _at: self.chosen.update(level=True))
        unannounced.toggled.connect(self._kind_chosen)

    def _kind_chosen(self, unannounced: bool) -> None:
        reason, level = self._preset
        if not self.chosen["reason"]:
            self.reason.setCurrentIndex(self.reason.findData(VisitReason.CONCERN_RAISED.value) if unannounced
                                        else reason)
        if not self.chosen["level"]:
            self.level.setCurrentIndex(self.level.findData(VisitLevel.ASSURANCE_MONITORING.value) if unannounced
                                       else level)
