"""Visit templates (YAML) and the checklist engine: what an officer fills in on a visit.

Built in the forms issue; the visit rules it relies on (levels, reasons, the two-officer rule of
Section 11) are already in ``qa_desktop.domain.visits``.
"""
