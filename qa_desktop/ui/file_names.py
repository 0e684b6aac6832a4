"""File names and folders the save and open dialogs suggest.

Officers use Windows: a suggested name must be one Windows accepts (``Visit: Maple Lodge,
24 Nov 2026.qabundle`` is refused for its colon), and the dialog should open in their Documents
folder, not in whatever folder the program happened to start in.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QStandardPaths

#: Characters Windows refuses in a file name, and control characters.
_REFUSED = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
#: Names Windows keeps for devices, whatever the extension.
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}
MAX_STEM = 120


def safe_file_name(words: str, suffix: str) -> str:
    """``words`` as a file name Windows accepts, ending in ``suffix`` (".pdf"): refused characters
    become a dash or go, spaces and dots at the ends go, a device name gets an underscore."""
    stem = _REFUSED.sub(" - ", words.replace(": ", " - ")).strip()
    stem = re.sub(r"(?:\s+-)+\s+", " - ", re.sub(r"\s+", " ", stem)).strip(" .-")[:MAX_STEM].rstrip(" .")
    if not stem:
        stem = "QA Desktop"
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"_{stem}"
    return f"{stem}{suffix}"


def start_folder(kind: str = "Documents") -> str:
    """The officer's Documents (or Pictures) folder, where a file dialog opens; their home folder
    where there is none."""
    location = (QStandardPaths.StandardLocation.PicturesLocation if kind == "Pictures"
                else QStandardPaths.StandardLocation.DocumentsLocation)
    found = QStandardPaths.writableLocation(location)
    return found if found and Path(found).is_dir() else str(Path.home())


def suggested_path(words: str, suffix: str) -> str:
    """Where a save dialog starts: a safe name in the Documents folder."""
    return str(Path(start_folder()) / safe_file_name(words, suffix))
