"""Reading aloud with the operating system's own voice (issue 21: a read-aloud button per question
and per page of the Young Inspector's form).

Why the operating system's voice and not Qt's ``QTextToSpeech``: ``QtTextToSpeech`` is in
PySide6-Addons, a second wheel of over a hundred megabytes (several hundred installed) of which we
would use one class, and on Linux it only wraps speech-dispatcher anyway. Every Windows laptop
already has a voice (SAPI, with the English (UK) voices of a UK install), reached here through
Windows PowerShell and .NET's ``System.Speech``, which ship with Windows 10 and 11; Linux has
speech-dispatcher (``spd-say``, the desktop's own voice settings) or espeak-ng; macOS has ``say``.
So: no extra download, the voice the young person may already know, and nothing when there is no
voice (the buttons then say so rather than failing).

The text goes to the program on its standard input, never on its command line, so nothing in a
question (quotes, ``;``, ``$(...)``) can be taken as a command, and length is no problem. One
thing is read at a time: a new request stops the last.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

#: Windows: SAPI through .NET, reading UTF-8 text from standard input.
POWERSHELL_SCRIPT = ("[Console]::InputEncoding = [Text.Encoding]::UTF8; Add-Type -AssemblyName System.Speech; "
                     "$voice = New-Object System.Speech.Synthesis.SpeechSynthesizer; $voice.Rate = -1; "
                     "$voice.Speak([Console]::In.ReadToEnd())")


def speech_command(to_file: Path | None = None) -> list[str] | None:
    """The program that reads standard input aloud on this computer, or ``None`` when there is none.
    ``to_file``: write the speech to this WAV file instead of the speakers (espeak-ng only; tests)."""
    if sys.platform == "win32":  # pragma: no cover (Windows only)
        powershell = shutil.which("powershell.exe") or shutil.which("powershell")
        return [powershell, "-NoProfile", "-NonInteractive", "-Command", POWERSHELL_SCRIPT] if powershell else None
    espeak = shutil.which("espeak-ng")
    if to_file is not None:
        return [espeak, "-v", "en-gb", "-s", "150", "--stdin", "-w", str(to_file)] if espeak else None
    if sys.platform == "darwin":  # pragma: no cover
        say = shutil.which("say")
        return [say, "-f", "-"] if say else None
    spd_say = shutil.which("spd-say")
    if spd_say:  # the desktop's own voice and settings (speech-dispatcher)
        return [spd_say, "--wait", "-l", "en", "-e"]
    return [espeak, "-v", "en-gb", "-s", "150", "--stdin"] if espeak else None


class Speaker(QObject):
    """Reads text aloud, one thing at a time; ``finished`` when it has (or was stopped)."""

    started = Signal(str)
    finished = Signal()

    def __init__(self, parent: QObject | None = None, *, to_file: Path | None = None) -> None:
        super().__init__(parent)
        self.command = speech_command(to_file)
        #: what was last handed to the voice, as it was handed
        self.last_text = ""
        self._process: subprocess.Popen[bytes] | None = None
        self._watch = QTimer(self, interval=100)
        self._watch.timeout.connect(self._check)

    @property
    def available(self) -> bool:
        return self.command is not None

    @property
    def speaking(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def say(self, text: str) -> bool:
        """Start reading ``text`` aloud (stopping anything being read); False when there is no voice."""
        self.stop()
        text = " ".join(text.split())
        if not self.command or not text:
            return False
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)  # no console window flashing up on Windows
        try:
            self._process = subprocess.Popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                             stderr=subprocess.DEVNULL, creationflags=flags)
            assert self._process.stdin is not None
            self._process.stdin.write(text.encode("utf-8"))
            self._process.stdin.close()
        except OSError:
            self._process = None
            return False
        self.last_text = text
        self._watch.start()
        self.started.emit(text)
        return True

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=2)
            except subprocess.TimeoutExpired:  # pragma: no cover
                self._process.kill()
        self._finish()

    def _check(self) -> None:
        if self._process is not None and self._process.poll() is not None:
            self._finish()

    def _finish(self) -> None:
        self._watch.stop()
        if self._process is not None:
            self._process = None
            self.finished.emit()
