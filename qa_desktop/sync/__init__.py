"""Sync: the op log that every change to synced data is recorded in, and (to come) the shared stores.

DESIGN.md: every change is an op ``(op_id, entity, entity_id, field, value, hlc, device_id)``
written in the same transaction as the state change, ordered by a hybrid logical clock so that the
order is total and survives laptops whose clocks disagree.
"""
