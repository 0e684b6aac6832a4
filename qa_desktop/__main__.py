"""``python -m qa_desktop`` is the same as the ``qa-desktop`` command."""

from qa_desktop.cli import main

raise SystemExit(main())
