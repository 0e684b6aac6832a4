"""Photos and attachments, stored by content: ``blobs/ab/abcdef...`` named by the sha256 of the bytes.

A photo is normalised once, when it is attached: the camera's EXIF orientation is applied (so a
portrait photo is upright everywhere, including in reports, which ignore EXIF), and anything
larger than ``MAX_SIDE`` pixels on its long side is shrunk; every photo is re-saved as JPEG
without its EXIF data, so a photo's GPS position (the address of a children's home) never travels. A 12-megapixel
phone photo of 4-6 MB becomes about 0.4 MB, which keeps laptops, sync and reports fast.

Writes go to a temporary file and are renamed into place, so a blob is whole or absent; reads
check the hash, so a file corrupted on disk or in transfer is reported, not used. The same photo
attached twice is stored once.

On a laptop the files are encrypted (AES-256-GCM, with the photo key derived from the data
folder's key, ``store.keys``): ``QAE1`` + a 12-byte nonce + ciphertext, the blob's hash bound in as
associated data, so a file swapped for another blob's is refused. Names stay the plaintext's hash,
which is what sync and reports ask for. A store without a key (a shared folder's copy handled by
the sync code) reads and writes plain bytes, and plain files from before encryption are still
read, then encrypted by ``encrypt_existing``.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from PIL import Image, ImageOps, UnidentifiedImageError

from qa_desktop.atomic import write_atomically

MAX_SIDE = 2048
JPEG_QUALITY = 85
BLOBS_FOLDER = "blobs"
MAGIC = b"QAE1"
NONCE_BYTES = 12
Image.MAX_IMAGE_PIXELS = 120_000_000  # refuse decompression bombs, allow any real camera


class BlobError(ValueError):
    """A file that cannot be stored or read back, in words for the officer."""


class BlobStore:
    def __init__(self, data_dir: Path, key: bytes | None = None) -> None:
        self.root = data_dir / BLOBS_FOLDER
        self._cipher = AESGCM(key) if key else None

    def path(self, digest: str) -> Path:
        return self.root / digest[:2] / digest

    def _sealed(self, digest: str, data: bytes) -> bytes:
        if self._cipher is None:
            return data
        nonce = os.urandom(NONCE_BYTES)
        return MAGIC + nonce + self._cipher.encrypt(nonce, data, digest.encode("ascii"))

    def _opened(self, digest: str, stored: bytes) -> bytes:
        if not stored.startswith(MAGIC):
            return stored  # plain: from before encryption, or a keyless (shared) store
        if self._cipher is None:
            raise BlobError(f"photo {digest[:12]} is encrypted and this store has no key for it")
        nonce = stored[len(MAGIC):len(MAGIC) + NONCE_BYTES]
        try:
            return self._cipher.decrypt(nonce, stored[len(MAGIC) + NONCE_BYTES:], digest.encode("ascii"))
        except InvalidTag:
            raise BlobError(f"photo {digest[:12]} is damaged, or was encrypted with another key") from None

    def put_bytes(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists() and self.is_intact(digest):
            return digest
        write_atomically(target, self._sealed(digest, data))
        return digest

    def encrypt_existing(self) -> int:
        """Encrypt the plain photos of a folder from before encryption; returns how many."""
        if self._cipher is None or not self.root.exists():
            return 0
        done = 0
        for path in self.root.glob("??/*"):
            if path.name.startswith(".") or not path.is_file():
                continue
            stored = path.read_bytes()
            if stored.startswith(MAGIC) or hashlib.sha256(stored).hexdigest() != path.name:
                continue  # already encrypted, or damaged: left for the next sync to repair
            write_atomically(path, self._sealed(path.name, stored))
            done += 1
        return done

    def put_photo(self, source: Path) -> str:
        """Store a photo from disk, upright and at most ``MAX_SIDE`` pixels; returns its hash."""
        try:
            with Image.open(source) as image:
                image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at reduced size, fast and small
                upright = ImageOps.exif_transpose(image).convert("RGB")
                upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
                buffer = io.BytesIO()
                upright.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)  # no EXIF: no GPS kept
                return self.put_bytes(buffer.getvalue())
        except FileNotFoundError:
            raise BlobError(f"{source}: no such file.") from None
        except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as error:
            raise BlobError(f"{source.name} is not a photo that can be read ({type(error).__name__}). "
                            "Attach a JPEG or PNG picture.") from None

    def is_intact(self, digest: str) -> bool:
        """Whether the blob is here and whole (what a report can show, or must replace with a placeholder)."""
        try:
            self.read(digest)
        except BlobError:
            return False
        return True

    def read(self, digest: str) -> bytes:
        """The blob's bytes; ``BlobError`` if it is missing or does not match its hash."""
        try:
            data = self._opened(digest, self.path(digest).read_bytes())
        except OSError:
            raise BlobError(f"photo {digest[:12]} is missing from this laptop") from None
        if hashlib.sha256(data).hexdigest() != digest:
            raise BlobError(f"photo {digest[:12]} is damaged (its content does not match its hash)")
        return data
