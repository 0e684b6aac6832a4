"""Sync to the team's shared store: offline first, two officers, nothing lost.

- ``hlc``: the hybrid logical clock that orders ops across laptops whose clocks disagree;
- ``merge``: ops to rows (last writer wins per field; concurrent different values kept as conflicts);
- ``wire``: ops as they travel (JSON lines, checksums, validation of anything read from outside);
- ``stores``: the one interface of a shared store; ``folder``, ``postgres`` and ``bundle`` implement it;
- ``engine``: one sync (push blobs, push ops, pull and apply, fetch missing photos), resumable;
- ``conflicts``: listing and resolving conflicts; ``credentials``: the OS keyring;
  ``settings``: which store this laptop syncs with.
"""
