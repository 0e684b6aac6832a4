"""The Young Inspector hand-over through the workspace (issue 15 point 4, issue 21).

The officer sets an unlock PIN or password once, chooses the Young Inspector, and ``start``s the
hand-over: what comes back is a Young Inspector's own workspace (role ``YOUNG_INSPECTOR``, assigned
to that one visit) for the hand-over screen to run on, so every role check applies to whatever that
screen does (``workspace.guard``: it may open only its visit's Young Inspector form and read or
change its own reading comfort). Only ``unlock`` with the officer's secret ends it; see
``services.hand_over`` for how the secret is kept and what happens when it is forgotten.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qa_desktop.domain.roles import Role
from qa_desktop.domain.young_inspectors import Comfort
from qa_desktop.services.hand_over import (
    HandOver,
    TooManyTries,
    UnlockError,
    end_hand_over_from_earlier_login,
    hand_over_in_progress,
    record_hand_over,
    set_unlock,
    unlock,
    unlock_is_set,
)
from qa_desktop.services.young_inspector import (
    YoungInspectorProfile,
    add_young_inspector,
    hand_form_to,
    open_young_inspector_form,
    reading_comfort,
    set_reading_comfort,
    young_inspectors,
)
from qa_desktop.store.database import Store
from qa_desktop.workspace.changes import Done
from qa_desktop.workspace.guard import Service, young_inspector_may

if TYPE_CHECKING:
    from qa_desktop.workspace.core import Workspace

__all__ = ["HandOverService", "HandOver", "TooManyTries", "UnlockError", "YoungInspectorProfile", "Comfort"]

#: How a Young Inspector's changes are signed in the op log and the audit trail (``changed_by`` holds 120).
YOUNG_INSPECTOR_ACTOR = "{name} (Young Inspector)"


class HandOverService(Service):
    area = "hand_over"

    # -- the officer's unlock secret -----------------------------------------------------------------

    def unlock_is_set(self) -> bool:
        return unlock_is_set(self._ws._store)

    def set_unlock(self, secret: str) -> Done[None]:
        """Set this laptop's officer's unlock PIN (6 digits or more) or password (8 characters or more)."""
        return self._ws._mutation(lambda: set_unlock(self._ws._store, secret))

    # -- Young Inspectors ------------------------------------------------------------------------------

    def young_inspectors(self) -> list[YoungInspectorProfile]:
        return young_inspectors(self._ws._store)

    def add_young_inspector(self, name: str) -> Done[str]:
        return self._ws._mutation(lambda: add_young_inspector(self._ws._store, name))

    @young_inspector_may("their screen shows their own reading settings (tint, font, size, spacing); the "
                         "service refuses anyone's but the Young Inspector the visit's form was handed to")
    def reading_comfort(self, young_inspector_id: str) -> Comfort:
        return reading_comfort(self._ws._store, young_inspector_id)

    @young_inspector_may("they change their own reading settings on their screen; the service refuses "
                         "anyone's but their own")
    def set_reading_comfort(self, young_inspector_id: str, comfort: Comfort) -> Done[None]:
        return self._ws._mutation(lambda: set_reading_comfort(self._ws._store, young_inspector_id, comfort))

    # -- handing over and back -------------------------------------------------------------------------

    def start(self, visit_id: str, young_inspector_id: str) -> Done[Workspace]:
        """Hand the visit's Young Inspector form to this Young Inspector: recorded (the form says who;
        this laptop remembers a hand-over is in progress) and a workspace of theirs returned, for the
        hand-over screen. The caller closes it when the officer has unlocked."""
        def work() -> Workspace:
            store = self._ws._store
            open_young_inspector_form(store, visit_id)  # the visit has a form (said in words otherwise)
            hand_form_to(store, visit_id, young_inspector_id)
            record_hand_over(store, visit_id, young_inspector_id, self._ws.clock.now())
            return self.young_inspector_workspace(visit_id, young_inspector_id)

        return self._ws._mutation(work)

    def young_inspector_workspace(self, visit_id: str, young_inspector_id: str | None) -> Workspace:
        """A workspace of the Young Inspector's own on this data folder: role ``YOUNG_INSPECTOR``,
        assigned to ``visit_id`` (the hand-over screen runs on it, also when it reopens)."""
        from qa_desktop.workspace.core import Workspace

        name = next((p.name for p in self.young_inspectors() if p.id == young_inspector_id), "A Young Inspector")
        store = self._ws._store
        actor = YOUNG_INSPECTOR_ACTOR.format(name=name[:90])
        return Workspace(Store(store.data_dir, actor, key=store.key, role=Role.YOUNG_INSPECTOR,
                               assigned_visit=visit_id, clock=self._ws.clock), self._ws.library)

    def in_progress(self) -> HandOver | None:
        """The hand-over this laptop was in the middle of when the program last ended, if any."""
        return hand_over_in_progress(self._ws._store)

    def unlock(self, secret: str) -> bool:
        """The officer's secret ends the hand-over (True); a wrong one is counted (``TooManyTries``
        while the next guess must wait)."""
        return unlock(self._ws._store, secret, self._ws.clock.now())

    def end_from_earlier_login(self) -> Done[HandOver]:
        """A hand-over started in an earlier login session of the operating system ends: signing in
        again proved the officer (how a forgotten PIN is got past, without a back door)."""
        return self._ws._mutation(lambda: end_hand_over_from_earlier_login(self._ws._store))
