"""The one way every app answers a generated file (workbooks, documents): written into a spooled
temporary file (memory up to SPOOL_MAX_BYTES, then disk) and streamed back as an attachment, so a large
roster never sits in memory whole and every download carries the same headers."""

import tempfile
from collections.abc import Callable
from typing import BinaryIO

from django.http import FileResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML = "text/html; charset=utf-8"  # a printable page as a document
SPOOL_MAX_BYTES = 8 * 1024 * 1024


def file_download(write: Callable[[BinaryIO], object], filename: str, content_type: str = XLSX) -> FileResponse:
    """Call `write(stream)` and answer what it wrote as `Content-Disposition: attachment; filename=...`
    (non-ASCII names are sent as RFC 5987 `filename*`). Raises whatever `write` raises, before any byte is sent."""
    stream = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_BYTES)
    write(stream)
    stream.seek(0)
    return FileResponse(stream, as_attachment=True, filename=filename, content_type=content_type)


def file_schema(content_type: str = XLSX) -> dict:
    """The OpenAPI `responses` of an API action answering a file_download (drf-spectacular: a binary body of
    that type), so the schema names what the client receives."""
    from drf_spectacular.types import OpenApiTypes

    return {(200, content_type): OpenApiTypes.BINARY}
