"""The one way into the core: ``Workspace`` (see ``workspace.core``) and what its changes say.

Screens (``qa_desktop.ui``) and commands (``qa_desktop.cli``) import from this package, the
``domain`` and nothing else of the core; the types a service returns or raises are importable
from the workspace module of that service (``workspace.register``, ``workspace.visits``, ...).
"""

from qa_desktop.store.keys import DatabaseDamaged, KeyLost
from qa_desktop.workspace.changes import (
    COUNCIL,
    FILLING_IN,
    NOTHING,
    SYNC_SETTINGS,
    SYNC_STATE,
    USER,
    Done,
    OpChanges,
)
from qa_desktop.workspace.core import Workspace

__all__ = ["Workspace", "OpChanges", "Done", "NOTHING", "USER", "SYNC_SETTINGS", "SYNC_STATE", "FILLING_IN", "COUNCIL",
           "KeyLost", "DatabaseDamaged"]
