"""QA Desktop: offline-first quality assurance of commissioned children's services.

The core (``domain``, ``store``, ``forms``, ``sync``, ``services``, ``reports``) runs without a
display and is what the CLI and the tests use; ``ui`` is a thin PySide6 face over the same
services. Nothing outside ``ui`` imports Qt.
"""

__version__ = "0.1.0"
