"""Sync to the team's shared store: offline first, two officers, nothing lost.

Sync sits on the store (``store.hlc`` orders ops, ``store.oplog`` says what each field's value is);
the store never imports sync.

- ``merge``: applying ops from elsewhere to the log and the rows they touch;
- ``wire``: ops as they travel (JSON lines, checksums, validation of anything read from outside);
- ``stores``: the one interface of a shared store; ``folder``, ``postgres`` and ``bundle`` implement it;
- ``engine``: one sync (push blobs, push ops, pull and apply, fetch missing photos), resumable;
- ``conflicts``: listing and resolving conflicts; ``settings``: which store this laptop syncs with
  (its secrets are in the OS keyring, ``qa_desktop.credentials``).
"""
