"""Checks on uploaded evidence documents: the extension AND the content must agree on an allowed type.

Only PDF, PNG, JPEG and Word documents (.doc, .docx) are kept, up to 10MB. A file is never trusted by its
name or by the content type the browser sends: its first bytes are read (and a .docx is opened as a zip
to find the Word document inside; a .doc's compound file directory is read to find its WordDocument
stream). The original name is kept only for display, sanitised; the stored file gets a random name.
"""

from __future__ import annotations

import re
import struct
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


# Compound File Binary format (MS-CFB), just enough to read a file's directory. A .doc is a compound file
# whose root storage holds a "WordDocument" stream; an .xls ("Workbook"), a .ppt, an .msg or an .msi is a
# compound file too, and must not pass as a Word document. Every number read from the file is checked
# before it is used: a sector outside the file, a chain that loops or runs too long ends the check (False).
FREE_SECTOR, END_OF_CHAIN = 0xFFFFFFFF, 0xFFFFFFFE
MAX_REGULAR_SECTOR = 0xFFFFFFFA
ROOT_STORAGE, STREAM = 5, 2
NO_STREAM = 0xFFFFFFFF
DIRECTORY_ENTRY = 128


class _NotCompoundFile(Exception):
    pass


def _word_document_in_compound_file(data: bytes) -> bool:
    """Whether `data` (a whole compound file, at most MAX_BYTES) has a "WordDocument" stream in its root."""
    try:
        return _has_root_stream(data, "WordDocument")
    except (_NotCompoundFile, struct.error, UnicodeDecodeError):
        return False


def _has_root_stream(data: bytes, wanted: str) -> bool:
    if len(data) < 512 or not data.startswith(OLE_MAGIC):
        raise _NotCompoundFile
    major, byte_order, sector_shift = struct.unpack_from("<HHH", data, 26)
    if byte_order != 0xFFFE or (major, sector_shift) not in ((3, 9), (4, 12)):
        raise _NotCompoundFile
    sector_size = 1 << sector_shift
    # Sectors after the header (which takes the first sector's room); a short last sector still counts.
    sector_count = max(-(-(len(data) - sector_size) // sector_size), 0)
    fat_sector_count, first_directory_sector = struct.unpack_from("<II", data, 44)
    first_difat_sector, difat_sector_count = struct.unpack_from("<II", data, 68)
    if fat_sector_count > sector_count or difat_sector_count > sector_count:
        raise _NotCompoundFile

    def sector(number: int) -> bytes:
        if number > MAX_REGULAR_SECTOR or number >= sector_count:
            raise _NotCompoundFile
        start = (number + 1) * sector_size
        return data[start : start + sector_size]

    # The FAT's own sectors: the first 109 listed in the header, the rest in a chain of DIFAT sectors.
    fat_sectors = [n for n in struct.unpack_from("<109I", data, 76) if n != FREE_SECTOR]
    next_difat, seen = first_difat_sector, set()
    while next_difat not in (END_OF_CHAIN, FREE_SECTOR) and len(fat_sectors) < fat_sector_count:
        if next_difat in seen:
            raise _NotCompoundFile
        seen.add(next_difat)
        entries = struct.unpack(f"<{sector_size // 4}I", sector(next_difat))
        fat_sectors.extend(n for n in entries[:-1] if n != FREE_SECTOR)
        next_difat = entries[-1]
    fat_sectors = fat_sectors[:fat_sector_count]
    fat: list[int] = []
    for number in fat_sectors:
        fat.extend(struct.unpack(f"<{sector_size // 4}I", sector(number)))

    # The directory: a chain of sectors through the FAT, 128 bytes an entry.
    directory = bytearray()
    current, seen = first_directory_sector, set()
    while current != END_OF_CHAIN:
        if current in seen or current >= len(fat):
            raise _NotCompoundFile
        seen.add(current)
        directory += sector(current)
        current = fat[current]
    entry_count = len(directory) // DIRECTORY_ENTRY

    def entry(number: int) -> tuple[str, int, int, int, int]:
        if number >= entry_count:
            raise _NotCompoundFile
        raw = bytes(directory[number * DIRECTORY_ENTRY : (number + 1) * DIRECTORY_ENTRY])
        name_length, kind = struct.unpack_from("<HB", raw, 64)
        if name_length > 64 or name_length % 2:
            raise _NotCompoundFile
        name = raw[: max(name_length - 2, 0)].decode("utf-16-le")
        left, right, child = struct.unpack_from("<III", raw, 68)
        return name, kind, left, right, child

    _root_name, root_kind, _left, _right, first_child = entry(0)
    if root_kind != ROOT_STORAGE:
        raise _NotCompoundFile
    # The root's children form a tree through their left and right siblings (a red-black tree by name).
    pending, visited = [first_child], set()
    while pending:
        number = pending.pop()
        if number == NO_STREAM or number in visited:
            continue
        visited.add(number)
        name, kind, left, right, _child = entry(number)
        if kind == STREAM and name == wanted:
            return True
        pending.extend((left, right))
    return False


def _is_word_document(stream: IO[bytes]) -> bool:
    _rewind(stream)
    try:
        data = stream.read(MAX_BYTES)
    finally:
        _rewind(stream)
    return _word_document_in_compound_file(data)


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
    if head.startswith(OLE_MAGIC) and _is_word_document(stream):
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
