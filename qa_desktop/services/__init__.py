"""Services: the operations the CLI and the UI both call. They take the ``Store`` and return
plain data; they never touch Qt, and they write only through ``Changes``."""
