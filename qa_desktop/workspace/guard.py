"""Who may call what through the workspace: officers everything their role allows, a Young Inspector
almost nothing (issue 15, point 4).

A Young Inspector's workspace (``Workspace.open(..., role=Role.YOUNG_INSPECTOR, assigned_visit=...)``)
is what the hand-over screen runs on. Every public method of every workspace service refuses it,
before doing anything at all, unless the method is marked ``@young_inspector_may(why)``: the form of
their own visit and their own reading comfort, nothing more. Refusing is the default, so a method
added later is closed to a Young Inspector until someone decides otherwise and says why (and
``tests/services/test_young_inspector_workspace.py`` lists every method by introspection and calls
each one with a Young Inspector's workspace).

The services underneath check the role as well (``store.access``, ``domain.roles``), and the
allowed methods check what they hand out (only the assigned visit's form, only that Young
Inspector's settings): this guard is the outer wall, not the only one.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from qa_desktop.domain.roles import require_officer

if TYPE_CHECKING:
    from qa_desktop.workspace.core import Workspace

F = TypeVar("F", bound=Callable[..., Any])

#: The attribute a method allowed to a Young Inspector carries, with the reason.
ALLOWED_ATTRIBUTE = "__young_inspector_may__"


def young_inspector_may(why: str) -> Callable[[F], F]:
    """Mark a service method as open to a Young Inspector's workspace, saying why."""
    if not why.strip():
        raise ValueError("say why a Young Inspector may call this")

    def mark(method: F) -> F:
        setattr(method, ALLOWED_ATTRIBUTE, why)
        return method

    return mark


def allowed_to_young_inspector(method: Any) -> str | None:
    """Why ``method`` is open to a Young Inspector, or ``None`` when it is not."""
    return getattr(method, ALLOWED_ATTRIBUTE, None)


def _officers_only(method: Callable[..., Any], what: str) -> Callable[..., Any]:
    @functools.wraps(method)
    def guarded(self: Service, *args: Any, **kwargs: Any) -> Any:
        require_officer(self._ws.user, f"or use {what}")
        return method(self, *args, **kwargs)

    return guarded


class Service:
    """A group of the workspace's services (``ws.register``, ``ws.visits``, ...). Every public method
    of a subclass is closed to a Young Inspector unless marked ``@young_inspector_may``."""

    #: The name the workspace gives this service ("register"), for messages.
    area = ""

    def __init__(self, workspace: Workspace) -> None:
        self._ws = workspace

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        area = cls.area or cls.__name__
        for name, value in list(vars(cls).items()):
            if name.startswith("_") or not inspect.isfunction(value) or allowed_to_young_inspector(value):
                continue
            setattr(cls, name, _officers_only(value, f"{area}.{name}"))
