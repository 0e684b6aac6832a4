"""The PySide6 face of QA Desktop: the only package that imports Qt widgets.

Screens are given the services they need (the ``Store``) in their constructor; none reaches for
a global main window.
"""
