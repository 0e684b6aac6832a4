"""Photos and attachments, stored by content: ``blobs/ab/abcdef...`` named by the sha256 of the bytes.

A photo is normalised once, when it is attached: the camera's EXIF orientation is applied (so a
portrait photo is upright everywhere, including in reports, which ignore EXIF), and anything
larger than ``MAX_SIDE`` pixels on its long side is shrunk; every photo is re-saved as JPEG
without its EXIF data, so a photo's GPS position (the address of a children's home) never travels. A 12-megapixel
phone photo of 4-6 MB becomes about 0.4 MB, which keeps laptops, sync and reports fast.

Writes go to a temporary file and are renamed into place, so a blob is whole or absent; reads
check the hash, so a file corrupted on disk or in transfer is reported, not used. The same photo
attached twice is stored once.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from qa_desktop.atomic import write_atomically

MAX_SIDE = 2048
JPEG_QUALITY = 85
BLOBS_FOLDER = "blobs"
Image.MAX_IMAGE_PIXELS = 120_000_000  # refuse decompression bombs, allow any real camera


class BlobError(ValueError):
    """A file that cannot be stored or read back, in words for the officer."""


class BlobStore:
    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / BLOBS_FOLDER

    def path(self, digest: str) -> Path:
        return self.root / digest[:2] / digest

    def put_bytes(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists() and self.is_intact(digest):
            return digest
        write_atomically(target, data)
        return digest

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
            data = self.path(digest).read_bytes()
        except OSError:
            raise BlobError(f"photo {digest[:12]} is missing from this laptop") from None
        if hashlib.sha256(data).hexdigest() != digest:
            raise BlobError(f"photo {digest[:12]} is damaged (its content does not match its hash)")
        return data
