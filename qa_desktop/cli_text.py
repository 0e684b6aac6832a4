"""How the commands of ``qa-desktop`` lay out text: one module every command file imports, so
``cli`` and the command groups it registers (``cli_sync``, ``cli_oversight``) never import each other."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any, TextIO

from qa_desktop.safe_text import terminal_text


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Columns as wide as their widest cell, a rule under the headings, no trailing spaces."""
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=False)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)).rstrip() for row in rows]
    return "\n".join(lines)


class TerminalSafe(io.TextIOBase):
    """A stream that prints data safely: control characters in what is written (a provider named
    ``\\x1b[2J…`` in an imported file) come out as visible escapes, never as commands to the terminal
    (``safe_text.terminal_text``). A write that begins with a carriage return (a progress line that
    rewrites itself) keeps it. ``qa-desktop`` writes through one for stdout and one for stderr."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self._stream = stream

    def write(self, text: str) -> int:
        lead = "\r" if text.startswith("\r") else ""
        self._stream.write(lead + terminal_text(text[len(lead):]))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", "utf-8")
