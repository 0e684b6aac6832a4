"""The frozen app's entry point (``resources/qa-desktop.spec``): the ``qa-desktop`` command itself.

With no arguments it opens the window; with a command it runs it, as the installed ``qa-desktop``
does. Kept outside the package so PyInstaller analyses the installed ``qa_desktop``, as pip put it.
"""

from qa_desktop.cli import main

raise SystemExit(main())
