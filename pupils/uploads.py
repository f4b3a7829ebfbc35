"""Checks on uploaded evidence documents: the extension AND the content must agree on an allowed type.

Only PDF, PNG, JPEG and Word documents (.doc, .docx) are kept, up to 10MB. A file is never trusted by its
name or by the content type the browser sends: its first bytes are read (and a .docx is opened as a zip
to find the Word document inside). The original name is kept only for display, sanitised; the stored
file gets a random name.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError

MAX_BYTES = 10 * 1024 * 1024
TOO_BIG = "The file must be smaller than 10MB"
WRONG_TYPE = "The file must be a PDF, JPG, PNG or Word document"
EMPTY = "The selected file is empty"
NAME_LENGTH = 200

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOC = "application/msword"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# extension -> the content type its content must show
EXTENSIONS = {".pdf": PDF, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG, ".doc": DOC, ".docx": DOCX}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    display_name: str
    size: int

    def storage_name(self) -> str:
        """A random name for the stored file: the original name never reaches the file system."""
        return f"{uuid.uuid4().hex}{self.extension}"


def _rewind(stream: IO[bytes]) -> None:
    stream.seek(0)


def _is_docx(stream: IO[bytes]) -> bool:
    """A .docx is a zip (Office Open XML) holding the document under word/. Only the directory is read."""
    _rewind(stream)
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        _rewind(stream)
    return "[Content_Types].xml" in names and any(name.startswith("word/") for name in names)


def content_type_of(stream: IO[bytes]) -> str | None:
    """The allowed type the content's magic bytes show, or None."""
    _rewind(stream)
    head = stream.read(8)
    _rewind(stream)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(OLE_MAGIC):
        return DOC
    if head.startswith(ZIP_MAGIC) and _is_docx(stream):
        return DOCX
    return None


def display_name(original: str, extension: str) -> str:
    """The uploaded name made safe to show and to offer back as a download name."""
    name = original.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = re.sub(r'[<>:"|?*]', "", name)
    name = re.sub(r"\s+", " ", name).strip()
    stem = name[: -len(extension)] if name.lower().endswith(extension) else name
    stem = stem.strip().lstrip(".").strip()[: NAME_LENGTH - len(extension)].strip()
    return f"{stem or 'document'}{extension}"


def check_upload(upload: Any) -> CheckedUpload:
    """Accept an allowed document or raise ValidationError with the message to show on the field."""
    size = int(getattr(upload, "size", 0) or 0)
    if size >= MAX_BYTES:
        raise ValidationError(TOO_BIG, code="too_big")
    if size == 0:
        raise ValidationError(EMPTY, code="empty")
    original = str(getattr(upload, "name", "") or "")
    extension = ("." + original.rsplit(".", 1)[-1].lower()) if "." in original else ""
    expected = EXTENSIONS.get(extension)
    if expected is None:
        raise ValidationError(WRONG_TYPE, code="wrong_type")
    stream: IO[bytes] = upload.file if hasattr(upload, "file") else upload
    if content_type_of(stream) != expected:
        raise ValidationError(WRONG_TYPE, code="wrong_type")
    return CheckedUpload(
        content_type=expected, extension=extension, display_name=display_name(original, extension), size=size
    )
