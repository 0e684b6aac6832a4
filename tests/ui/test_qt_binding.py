"""The Qt binding itself, where a fault in it would lose an officer's session.

PySide6 6.12.0 returns ``True`` from ``SignalInstance.emit`` without taking a reference to it: every
emit made from Python (the change signal, a screen's ``saved``, the sync status) takes one reference
from ``True`` away. A window holds some 27,000 of them, so a long day of answers, or the interpreter's
finalisation after a benchmark, ends in "Fatal Python error: bool_dealloc" and the process aborts.
``pyproject.toml`` leaves that release out; this test fails on any release with the same fault."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

EMITS = 500


class _Sender(QObject):
    bare = Signal()
    carrying = Signal(object)


def test_emitting_a_signal_keeps_the_references_of_true_and_false(qtbot) -> None:
    sender = _Sender()
    heard: list[object] = []
    sender.bare.connect(lambda: heard.append(None))
    sender.carrying.connect(heard.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for n in range(EMITS):
        sender.bare.emit()
        sender.carrying.emit(n)
    after = sys.getrefcount(True), sys.getrefcount(False)
    assert len(heard) == 2 * EMITS
    # a few references may come or go meanwhile; a leak is one per emit (1,000 here)
    assert after[0] > before[0] - 100, f"True lost {before[0] - after[0]} references in {2 * EMITS} emits"
    assert after[1] > before[1] - 100, f"False lost {before[1] - after[1]} references in {2 * EMITS} emits"
