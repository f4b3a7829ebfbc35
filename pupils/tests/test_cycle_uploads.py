"""Evidence documents: only PDF, JPG, PNG and Word documents by extension AND content, under 10MB, stored under
a random name outside the web root, downloaded only through a permission-checked, audited view."""

from __future__ import annotations

import io
import itertools
import re
import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from pupils import uploads
from pupils.models import EvidenceItem
from pupils.tests.test_cycle_workflow import date_fields, scope_of, start, today
from tests import factories as f
from tests.fixtures import client_for

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
OLE_ZEROS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64  # the magic bytes and nothing behind them
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
HTML = b"<html><body><script>alert(document.cookie)</script>%PDF-1.4</body></html>"


FREE, END, FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def _entry(name: str, kind: int, *, left=FREE, right=FREE, child=FREE, start=END, size=0) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00" if name else b""
    return struct.pack("<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, left, right, child, b"\x00" * 16, 0, 0, 0,
                       start, size)  # fmt: skip


def compound_file(tree, *, major=3) -> bytes:
    """A small compound file (MS-CFB), as Word, Excel and PowerPoint write them. `tree` lists the root's
    children as (name, kind, children) with kind 2 for a stream, 1 for a storage; siblings are linked as a
    right-leaning chain, each stream gets one sector of data."""
    sector_size = 512 if major == 3 else 4096
    entries: list[dict] = [{"name": "Root Entry", "kind": 5}]

    def add(nodes):
        ids = []
        for name, kind, children in nodes:
            entries.append({"name": name, "kind": kind})
            ids.append(len(entries) - 1)
            if children:
                entries[ids[-1]]["child"] = add(children)[0]
        for this, following in itertools.pairwise(ids):
            entries[this]["right"] = following
        return ids

    entries[0]["child"] = add(tree)[0] if tree else FREE
    directory_sectors = -(-len(entries) * 128 // sector_size)
    streams = [e for e in entries if e["kind"] == 2]
    fat = [FAT_SECTOR] + [n + 2 for n in range(directory_sectors - 1)] + [END]
    for entry in streams:
        entry["start"], entry["size"] = len(fat), 4096
        fat += [len(fat) + n + 1 for n in range(4096 // sector_size - 1)] + [END]
    fat += [FREE] * (sector_size // 4 - len(fat))
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", uploads.OLE_MAGIC, b"\x00" * 16, 0x3E, major, 0xFFFE,
                         9 if major == 3 else 12, 6, b"\x00" * 6, directory_sectors if major == 4 else 0, 1, 1, 0,
                         4096, END, 0, END, 0)  # fmt: skip
    header += struct.pack("<109I", 0, *[FREE] * 108)
    header = header.ljust(sector_size, b"\x00")
    directory = b"".join(
        _entry(e["name"], e["kind"], left=e.get("left", FREE), right=e.get("right", FREE), child=e.get("child", FREE),
               start=e.get("start", END), size=e.get("size", 0))
        for e in entries
    ).ljust(directory_sectors * sector_size, b"\x00")  # fmt: skip
    data = b"".join(b"\xec\xa5" + b"\x00" * 4094 for _ in streams)
    return header + struct.pack(f"<{sector_size // 4}I", *fat) + directory + data


WORD_97 = [("WordDocument", 2, None), ("1Table", 2, None), ("\x05SummaryInformation", 2, None)]
DOC = compound_file(WORD_97)
XLS = compound_file([("Workbook", 2, None), ("\x05SummaryInformation", 2, None)])


def zip_of(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


DOCX = zip_of("[Content_Types].xml", "_rels/.rels", "word/document.xml")
XLSX = zip_of("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


def stored_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# The checks themselves ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("report.pdf", PDF, uploads.PDF),
        ("photo.png", PNG, uploads.PNG),
        ("photo.JPG", JPEG, uploads.JPEG),
        ("photo.jpeg", JPEG, uploads.JPEG),
        ("letter.doc", DOC, uploads.DOC),
        ("letter.docx", DOCX, uploads.DOCX),
    ],
)
def test_allowed_documents_are_accepted(name, content, content_type):
    checked = uploads.check_upload(SimpleUploadedFile(name, content, content_type="application/octet-stream"))
    assert checked.content_type == content_type
    assert checked.size == len(content)
    assert re.fullmatch(r"[0-9a-f]{32}\.(pdf|png|jpg|jpeg|doc|docx)", checked.storage_name())


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", EXE),  # an executable dressed as a PDF
        ("report.pdf", HTML),  # HTML (with a script) dressed as a PDF
        ("report.pdf", PNG),  # a real image, but not what its name says
        ("photo.png", PDF),
        ("letter.docx", XLSX),  # a zip, but not a Word document
        ("letter.docx", b"PK\x03\x04 not really a zip"),
        ("letter.doc", DOCX),
        ("letter.doc", OLE_ZEROS),  # the compound file magic, then nothing
        ("letter.doc", XLS),  # a compound file, but an Excel workbook
        ("letter.doc", compound_file([("PowerPoint Document", 2, None)])),
        ("setup.exe", EXE),
        ("page.html", HTML),
        ("report", PDF),  # no extension
        ("report.pdf.exe", PDF),
        ("notes.txt", b"Just text"),
    ],
)
def test_wrong_types_are_refused_whatever_the_browser_says(name, content):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    with pytest.raises(ValidationError) as excinfo:
        uploads.check_upload(upload)
    assert excinfo.value.messages == ["The file must be a PDF, JPG, PNG or Word document"]


@pytest.mark.parametrize("major", [3, 4])
def test_a_word_document_is_found_in_the_root_of_the_compound_file_wherever_its_entry_sits(major):
    assert uploads.content_type_of(io.BytesIO(compound_file(WORD_97, major=major))) == uploads.DOC
    last = [("1Table", 2, None), ("Data", 2, None), ("ObjectPool", 1, [("_1", 1, None)]), ("WordDocument", 2, None)]
    assert uploads.content_type_of(io.BytesIO(compound_file(last, major=major))) == uploads.DOC


@pytest.mark.parametrize(
    "tree",
    [
        [("Workbook", 2, None), ("MBD00001", 1, [("WordDocument", 2, None)])],  # only in an embedded object
        [("WordDocument", 1, [("x", 2, None)])],  # a storage of that name, not a stream
        [("WordDocumentX", 2, None)],
        [],
    ],
)
def test_a_compound_file_without_a_worddocument_stream_in_its_root_is_not_a_word_document(tree):
    assert uploads.content_type_of(io.BytesIO(compound_file(tree))) is None


def test_damaged_compound_files_are_refused_without_an_error():
    good = bytearray(DOC)

    def damaged(offset, value):
        copy = bytearray(good)
        copy[offset : offset + 4] = struct.pack("<I", value)
        return bytes(copy)

    cases = [
        damaged(48, 9999),  # the directory starts outside the file
        damaged(512 + 4, 1),  # the directory's chain loops onto itself
        damaged(76, 9999),  # the FAT sits outside the file
        damaged(44, 1_000_000),  # more FAT sectors than the file has
        damaged(1024 + 76, 1_000),  # the root's child is past the end of the directory
        bytes(good[:600]),  # cut short
        bytes(good[:512]),
    ]
    root = bytearray(good)
    root[1024 + 66] = 1  # the first entry is not the root
    cases.append(bytes(root))
    looped = bytearray(good)
    looped[1024 + 128 + 72 : 1024 + 128 + 76] = struct.pack("<I", 1)  # a sibling that points back at itself
    looped[1024 + 128 : 1024 + 128 + 2] = b"X\x00"  # ... and is no longer the WordDocument stream
    cases.append(bytes(looped))
    for content in cases:
        assert uploads.content_type_of(io.BytesIO(content)) is None
    # Any single damaged byte of the header or directory ends in an answer, never an exception.
    for offset in range(0, 1024 + 512):
        copy = bytearray(good)
        copy[offset] ^= 0xFF
        assert uploads.content_type_of(io.BytesIO(bytes(copy))) in (uploads.DOC, None)


def test_ten_megabytes_or_more_is_refused():
    just_under = SimpleUploadedFile("big.pdf", PDF + b"0" * (uploads.MAX_BYTES - len(PDF) - 1))
    assert uploads.check_upload(just_under).size == uploads.MAX_BYTES - 1
    for size in (uploads.MAX_BYTES, 11 * 1024 * 1024):
        with pytest.raises(ValidationError) as excinfo:
            uploads.check_upload(SimpleUploadedFile("big.pdf", PDF + b"0" * (size - len(PDF))))
        assert excinfo.value.messages == ["The file must be smaller than 10MB"]


def test_the_original_name_is_made_safe_to_show():
    assert uploads.display_name("../../etc/passwd.pdf", ".pdf") == "passwd.pdf"
    assert uploads.display_name("C:\\Users\\senco\\Report (final).PDF", ".pdf") == "Report (final).pdf"
    assert uploads.display_name('a<b>"c|d?.pdf', ".pdf") == "abcd.pdf"
    assert uploads.display_name("line\nbreak\x00.pdf", ".pdf") == "linebreak.pdf"
    assert uploads.display_name(".pdf", ".pdf") == "document.pdf"
    long = uploads.display_name("x" * 500 + ".docx", ".docx")
    assert len(long) == 200 and long.endswith(".docx")


# Through the pages -----------------------------------------------------------------------------------------


def post_evidence(client, cycle, upload):
    data = {"kind": "agency_advice", "summary": "Assessment report", "standardised_score": "",
            "source": "Educational psychology", **date_fields("recorded_on", today()), "document": upload}  # fmt: skip
    return client.post(reverse("pupils:cycle-evidence-add", args=[cycle.pupil_id, cycle.pk]), data)


def download(client, item):
    url = reverse("pupils:evidence-download", args=[item.cycle.pupil_id, item.cycle_id, item.pk])
    response = client.get(url)
    # Reading a streamed response to the end closes it (and its file), as a WSGI server would.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", EXE, "The file must be a PDF, JPG, PNG or Word document"),
        ("report.pdf", HTML, "The file must be a PDF, JPG, PNG or Word document"),
        ("report.pdf", PDF + b"0" * (11 * 1024 * 1024), "The file must be smaller than 10MB"),
        ("empty.pdf", b"", "The selected file is empty"),
    ],
)
def test_bad_uploads_are_refused_on_the_field_and_nothing_is_kept(tenant, media_root, name, content, message):
    cycle = start(tenant)
    response = post_evidence(client_for(tenant.users["senco"]), cycle, SimpleUploadedFile(name, content))
    page = response.content.decode()
    assert "<title>Error: " in page
    assert f'href="#id_document">{message}' in page
    assert "select the document again" in page
    assert not EvidenceItem.objects.exists()
    assert stored_files(media_root) == []


def test_a_real_pdf_is_stored_under_a_random_name_and_downloaded_by_those_who_may_read(tenant, world, media_root):
    cycle = start(tenant)
    senco = client_for(tenant.users["senco"])
    response = post_evidence(senco, cycle, SimpleUploadedFile("EP report for Sam (final).pdf", PDF))
    assert response.status_code == 302
    item = EvidenceItem.objects.get()
    assert re.fullmatch(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", item.document.name)
    assert item.document_name == "EP report for Sam (final).pdf"
    assert item.document_content_type == "application/pdf" and item.document_size == len(PDF)
    [path] = stored_files(media_root)
    assert path.read_bytes() == PDF and "Sam" not in str(path)

    page = senco.get(reverse("pupils:cycle-detail", args=[cycle.pupil_id, cycle.pk])).content.decode()
    href = reverse("pupils:evidence-download", args=[cycle.pupil_id, cycle.pk, item.pk])
    assert f'href="{href}"' in page and "Download EP report for Sam (final).pdf" in page
    assert str(media_root) not in page and item.document.name not in page

    for reader in (tenant.users["senco"], tenant.users["area_lead"], tenant.users["la_officer"]):
        response, body = download(client_for(reader), item)
        assert response.status_code == 200
        assert body == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "EP report for Sam (final).pdf" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
    events = AuditEvent.objects.filter(action="evidence_downloaded")
    assert events.count() == 3
    assert {e.summary for e in events} == {f"Document of evidence {item.pk} in cycle 1 downloaded"}
    assert all(e.object_id == str(tenant.pupil_1.pk) for e in events)

    other_school_senco = f.make_user(tenant.authority, Role.SENCO, school=tenant.school_2)
    refused = [other_school_senco, world.b.users["senco"], world.b.users["la_officer"], world.b.users["area_lead"],
               tenant.users["specialist"]]  # fmt: skip
    for user in refused:
        response, _ = download(client_for(user), item)
        assert response.status_code == 404, user
    for user in (tenant.users["panel_member"], tenant.users["finance_officer"]):
        response, _ = download(client_for(user), item)
        assert response.status_code == 403
    assert AuditEvent.objects.filter(action="evidence_downloaded").count() == 3


def test_a_docx_and_a_jpeg_are_accepted_and_keep_their_types(tenant):
    cycle = start(tenant)
    senco = client_for(tenant.users["senco"])
    assert post_evidence(senco, cycle, SimpleUploadedFile("letter.docx", DOCX)).status_code == 302
    assert post_evidence(senco, cycle, SimpleUploadedFile("photo.jpg", JPEG)).status_code == 302
    types = set(EvidenceItem.objects.values_list("document_content_type", flat=True))
    assert types == {uploads.DOCX, uploads.JPEG}
    item = EvidenceItem.objects.get(document_content_type=uploads.DOCX)
    response, body = download(senco, item)
    assert response["Content-Type"] == uploads.DOCX and body == DOCX


def test_evidence_without_a_document_has_nothing_to_download(tenant):
    cycle = start(tenant)
    senco = client_for(tenant.users["senco"])
    from pupils import cycle_services

    item = cycle_services.evidence_add(
        actor=tenant.users["senco"], scope=scope_of(tenant.users["senco"]), cycle_id=cycle.pk, kind="observation",
        recorded_on=today(), summary="Observed in class",
    )  # fmt: skip
    response, _ = download(senco, item)
    assert response.status_code == 404


def test_removing_evidence_deletes_its_document(tenant, media_root, django_capture_on_commit_callbacks):
    cycle = start(tenant)
    senco = client_for(tenant.users["senco"])
    post_evidence(senco, cycle, SimpleUploadedFile("report.pdf", PDF))
    item = EvidenceItem.objects.get()
    assert len(stored_files(media_root)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        senco.post(reverse("pupils:cycle-evidence-remove", args=[cycle.pupil_id, cycle.pk, item.pk]))
    assert not EvidenceItem.objects.exists()
    assert stored_files(media_root) == []
    event = AuditEvent.objects.get(action="evidence_removed")
    assert "and its document" in event.summary and "report" not in event.summary
