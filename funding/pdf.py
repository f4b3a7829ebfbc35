"""PDF rendering with WeasyPrint that fetches nothing but the project's own compiled static files.

WeasyPrint would otherwise follow any URL in the document: file:///etc/passwd, the network, the cloud
metadata address. `StaticOnlyURLFetcher` serves files under frontend/build (the static build directory)
for /static/... URLs and data: URLs, and refuses everything else.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Documents are rendered with this base URL, so a template's "/static/css/x.css" resolves to
# https://send-portal.invalid/static/css/x.css: a name that can never reach a real host (RFC 2606), and
# that the fetcher below maps to the static build directory without any network access.
DOCUMENT_ORIGIN = "https://send-portal.invalid"
DOCUMENT_BASE_URL = DOCUMENT_ORIGIN + "/"

# WeasyPrint logs a line per step and per page at INFO: a long report would flood the worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class RefusedURL(ValueError):
    """WeasyPrint asked for something other than one of the project's static files."""


def static_build_dir() -> Path:
    return Path(settings.BASE_DIR) / "frontend" / "build"


class StaticOnlyURLFetcher(URLFetcher):
    def __init__(self, root: Path | None = None) -> None:
        # Only data: URLs ever reach urllib (through the parent class); nothing else is fetched by it.
        super().__init__(timeout=5, allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False)
        self.root = (root or static_build_dir()).resolve()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url[:5].lower() == "data:":
            return super().fetch(url, headers)
        path = self.static_file(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    def static_file(self, url: str) -> Path:
        """The file under the static build directory that `url` names, or RefusedURL."""
        parts = urlsplit(url)
        if (parts.scheme or parts.netloc) and f"{parts.scheme.lower()}://{parts.netloc.lower()}" != DOCUMENT_ORIGIN:
            raise RefusedURL(f"Only the service's static files can be used in a PDF, not {parts.scheme}: URLs")
        path = unquote(parts.path)
        prefix = settings.STATIC_URL
        if not path.startswith(prefix) or "\x00" in path or "\\" in path:
            raise RefusedURL("Only the service's static files can be used in a PDF")
        candidate = (self.root / path.removeprefix(prefix)).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            raise RefusedURL("No such static file")
        return candidate


def html_to_pdf(html: str, *, url_fetcher: URLFetcher | None = None) -> bytes:
    from weasyprint import HTML

    document = HTML(string=html, base_url=DOCUMENT_BASE_URL, url_fetcher=url_fetcher or StaticOnlyURLFetcher())
    pdf: bytes = document.write_pdf()
    return pdf
