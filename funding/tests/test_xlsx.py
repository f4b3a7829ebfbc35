"""The reports' XLSX writer: every part of the package is well-formed and listed, cells keep their types
and styles, and text stays text, escaped, whatever it contains."""

import datetime
import xml.etree.ElementTree as ET  # the files parsed are the ones these tests just wrote
import zipfile
from decimal import Decimal

import pytest

from funding import xlsx
from funding.tests.test_reports import xlsx_sheets

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def _xml(content):
    return ET.fromstring(content)  # noqa: S314 (a file this test wrote, not untrusted input)


def build(tmp_path, rows, *, frozen_rows=1):
    path = tmp_path / "book.xlsx"
    workbook = xlsx.Workbook(path, sheet_names=["First", "Second & last"], title="Budget report 2026 to 2027")
    with workbook.sheet("First", widths=[34, 10], frozen_rows=frozen_rows) as sheet:
        for cells, style in rows:
            sheet.row(cells, **style)
    with workbook.sheet("Second & last", widths=[]) as sheet:
        sheet.row(["only"])
    workbook.close()
    return path


def test_every_part_is_well_formed_and_the_package_lists_each_one(tmp_path):
    path = build(tmp_path, [(["Pot", "Paid"], {"strong": True})])
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert names[0] == "[Content_Types].xml"
        for name in names:
            _xml(archive.read(name))  # parses
        types = archive.read("[Content_Types].xml").decode()
        for part in names:
            if part.endswith(".xml") and not part.startswith("[") and "_rels" not in part:
                assert f'PartName="/{part}"' in types, part
        assert archive.testzip() is None
        core = archive.read("docProps/core.xml").decode()
        assert "<dc:title>Budget report 2026 to 2027</dc:title>" in core
        workbook = _xml(archive.read("xl/workbook.xml"))
        assert [s.get("name") for s in workbook.find("m:sheets", NS)] == ["First", "Second & last"]
        first = _xml(archive.read("xl/worksheets/sheet1.xml"))
        pane = first.find("m:sheetViews/m:sheetView/m:pane", NS)
        assert (pane.get("ySplit"), pane.get("topLeftCell"), pane.get("state")) == ("1", "A2", "frozen")
        widths = [c.get("width") for c in first.find("m:cols", NS)]
        assert widths == ["34.7109375", "10.7109375"]  # as Excel (and xlsxwriter) store 34 and 10 characters


def test_cells_keep_their_types_and_styles(tmp_path):
    april = datetime.date(2026, 4, 1)
    path = build(
        tmp_path,
        [
            (["Pot", "Amount"], {"strong": True}),
            (["North", Decimal("1234.50"), april, 7, None, ""], {}),
            (["Total", Decimal("-0.01")], {"strong": True}),
            (["Month", april], {"months": True}),
        ],
    )
    sheets = xlsx_sheets(path.read_bytes())
    assert sheets["First"] == [
        ["Pot", "Amount"],
        ["North", Decimal("1234.50"), Decimal((april - xlsx.EXCEL_EPOCH).days), Decimal("7")],
        ["Total", Decimal("-0.01")],
        ["Month", Decimal(46113)],
    ]
    with zipfile.ZipFile(path) as archive:
        sheet = _xml(archive.read("xl/worksheets/sheet1.xml"))
        styles = {c.get("r"): c.get("s") for c in sheet.iter(f"{{{NS['m']}}}c")}
        formats = _xml(archive.read("xl/styles.xml"))
    assert styles["A1"] == str(xlsx.BOLD) and styles["A2"] is None
    assert (styles["B2"], styles["C2"], styles["D2"]) == (str(xlsx.MONEY), str(xlsx.DAY), None)
    assert styles["B3"] == str(xlsx.MONEY_BOLD) and styles["B4"] == str(xlsx.MONTH)
    xfs = formats.find("m:cellXfs", NS)
    codes = {f.get("numFmtId"): f.get("formatCode") for f in formats.find("m:numFmts", NS)}
    assert codes[xfs[xlsx.MONEY].get("numFmtId")] == "£#,##0.00"
    assert codes[xfs[xlsx.DAY].get("numFmtId")] == "d mmm yyyy"
    assert xfs[xlsx.BOLD].get("fontId") == "1" and formats.find("m:fonts", NS)[1].find("m:b", NS) is not None
    assert "C4" not in styles  # empty cells are left out, not written blank


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("<b>Evil</b> & Co", "<b>Evil</b> & Co"),
        ("=SUM(A1:A9)", "=SUM(A1:A9)"),  # text, not a formula (callers quote-prefix it: see reports)
        ("  leading and trailing  ", "  leading and trailing  "),
        ("bell\x07 and tab\t", "bell_x0007_ and tab\t"),  # XML cannot hold \x07: Excel's own escape
        ("literal _x0041_ stays", "literal _x005F_x0041_ stays"),  # not decoded to "A" by Excel
        ("Zoë, 日本, £", "Zoë, 日本, £"),
    ],
)
def test_text_is_always_text_and_escaped(tmp_path, text, stored):
    path = build(tmp_path, [([text, "12"], {})])
    with zipfile.ZipFile(path) as archive:
        sheet = _xml(archive.read("xl/worksheets/sheet1.xml"))
    cells = list(sheet.iter(f"{{{NS['m']}}}c"))
    assert [c.get("t") for c in cells] == ["inlineStr", "inlineStr"]  # "12" stays text too
    assert cells[0].find("m:is/m:t", NS).text == stored
    assert sheet.find(".//m:f", NS) is None


def test_sheets_are_written_in_the_order_named_and_all_of_them(tmp_path):
    workbook = xlsx.Workbook(tmp_path / "a.xlsx", sheet_names=["One", "Two"])
    with pytest.raises(ValueError, match="Two is not next"), workbook.sheet("Two", widths=[]):
        pass
    with workbook.sheet("One", widths=[]) as sheet:
        sheet.row(["x"])
    with pytest.raises(ValueError, match="1 named sheets were not written"):
        workbook.close()
    with pytest.raises(TypeError, match="not <class 'float'>"):
        xlsx.Sheet(out=None).row([1.5])  # money is Decimal, never float


def test_column_letters():
    assert [xlsx.column_letters(i) for i in (0, 10, 25, 26, 27, 701, 702)] == ["A", "K", "Z", "AA", "AB", "ZZ", "AAA"]
