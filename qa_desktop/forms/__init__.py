"""Visit templates (YAML) and the checklist engine: what an officer fills in on a visit.

``template`` defines and validates the format, ``library`` loads the built-in and the team's own
templates (a broken file is listed, never fatal), ``checklist`` is the engine: answers, notes,
evidence, actions, progress, what is missing. All Qt-free.
"""
