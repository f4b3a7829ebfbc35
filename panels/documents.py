"""The panel's PDF documents: the pack (one per meeting version), the minutes (one per meeting) and the
decision letter (one per decision).

Each function takes ids and reads the database directly: the pack runs in a Celery task
(panels.pack_services.pack_build), the minutes and letters after a view has checked who may read them.
The words come from panels.document_selectors; the layout from templates/panels/pdf/, rendered by Django
with autoescape on (everything people typed is text, never markup). WeasyPrint gets funding.pdf's
StaticOnlyURLFetcher, so a document can fetch nothing but the service's own static files.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string

from funding.pdf import DOCUMENT_BASE_URL, StaticOnlyURLFetcher
from panels import document_selectors as data


def _layout(html: str) -> Any:
    from weasyprint import HTML

    return HTML(string=html, base_url=DOCUMENT_BASE_URL, url_fetcher=StaticOnlyURLFetcher()).render()


def _write(html: str) -> tuple[bytes, int]:
    document = _layout(html)
    pdf: bytes = document.write_pdf()
    return pdf, len(document.pages)


def pack_pdf(
    *,
    meeting_id: int,
    excluded_item_ids: list[int],
    pseudonymised: bool,
    progress: Callable[[int], None] | None = None,
) -> tuple[bytes, int]:
    """The papers for a meeting: cover, agenda, then each case on its own pages. The cases in
    `excluded_item_ids` (the reader's conflicts of interest) appear only as a withheld line on the agenda.
    Returns the PDF and its number of pages."""

    def step(percent: int) -> None:
        if progress is not None:
            progress(percent)

    pack = data.pack_data(meeting_id=meeting_id, excluded_item_ids=excluded_item_ids, pseudonymised=pseudonymised)
    step(15)
    html = render_to_string("panels/pdf/pack.html", {"pack": pack})
    step(25)
    document = _layout(html)  # most of the time goes here
    step(85)
    pdf: bytes = document.write_pdf()
    step(95)
    return pdf, len(document.pages)


def minutes_html(*, meeting_id: int) -> str:
    return render_to_string("panels/pdf/minutes.html", {"minutes": data.minutes_data(meeting_id=meeting_id)})


def minutes_pdf(*, meeting_id: int) -> bytes:
    """The minutes: draft until the meeting's minutes are approved, then with who approved them and when."""
    return _write(minutes_html(meeting_id=meeting_id))[0]


def letter_html(*, decision_id: int) -> str:
    return render_to_string("panels/pdf/letter.html", {"letter": data.letter_data(decision_id=decision_id)})


def letter_pdf(*, decision_id: int) -> bytes:
    """The decision letter to the school, in plain English, with how to ask for a review."""
    return _write(letter_html(decision_id=decision_id))[0]
