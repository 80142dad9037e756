"""Attachments: checked on upload, served by the application behind the record's scope (issue 8, point 6).

Accepted: PDF, images (PNG, JPEG, GIF) and Office documents (Word, Excel, PowerPoint: the
OOXML zip formats and the older OLE2 ones); never HTML, SVG or scripts. The extension must be one
of these and the file's first bytes must match it, so a renamed HTML page is refused. The size
limit is `ATTACHMENT_MAX_BYTES` (settings, default 20 MiB).

Files are never served from a public `/media/` path: `AttachmentDownloadView` fetches the record
through the user's scope (404 otherwise, the same as a missing record) and answers with
`Content-Disposition: attachment`, so a browser downloads rather than renders it. It streams from
the storage and works with DEBUG=0.
"""

from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from django.views.generic.detail import SingleObjectMixin
from rest_framework import serializers

from org import scope

PDF, PNG, JPEG, GIF, ZIP, OLE2 = b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
SIGNATURES = {
    "pdf": (PDF,), "png": (PNG,), "jpg": (JPEG,), "jpeg": (JPEG,), "gif": (GIF,),
    "docx": (ZIP,), "xlsx": (ZIP,), "pptx": (ZIP,), "doc": (OLE2,), "xls": (OLE2,), "ppt": (OLE2,),
}
MSG_TYPE = _("Attachments may be PDF, images (PNG, JPEG, GIF) or Office documents; %(name)s is not one of them.")
MSG_CONTENT = _("The content of %(name)s does not match its type %(ext)s; the file may be damaged or renamed.")
MSG_SIZE = _("%(name)s is %(size)s MB; an attachment may be at most %(limit)s MB.")


def validate_attachment(upload) -> None:
    """Refuse an upload that is not an accepted document type or is too large (ValidationError)."""
    if not upload or getattr(upload, "_committed", False):
        return  # a stored file was checked when it was uploaded
    name = PurePosixPath(upload.name or "").name
    limit = getattr(settings, "ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
    if upload.size > limit:
        raise ValidationError(MSG_SIZE, params={"name": name, "size": _mb(upload.size), "limit": _mb(limit)}, code="size")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in SIGNATURES:
        raise ValidationError(MSG_TYPE, params={"name": name}, code="type")
    if not _head(upload).startswith(SIGNATURES[ext]):
        raise ValidationError(MSG_CONTENT, params={"name": name, "ext": ext}, code="content")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0")


def _head(upload) -> bytes:
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(8)
    upload.seek(position)
    return head


def attachment_response(field_file, *, filename: str = "", content_type: str | None = None) -> FileResponse:
    """Stream a stored file as a download (Content-Disposition: attachment), named `filename` or else the
    stored name's last part; `content_type` when the record stored the upload's type, else guessed from the name."""
    name = filename or PurePosixPath(field_file.name).name
    return FileResponse(field_file.open("rb"), as_attachment=True, filename=name, content_type=content_type)


class AttachmentDownloadView(LoginRequiredMixin, scope.ScopedQuerysetMixin, SingleObjectMixin, View):
    """Download the file of a record the user may see; a missing file answers like a missing record.

    `file_field` names the file; a record that keeps the upload's own name and type names those fields in
    `name_field` / `type_field` (blank: the stored name, a type guessed from it)."""

    file_field = "attachment"
    name_field = ""
    type_field = ""

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        field_file = self.get_file(obj)
        if not field_file:
            raise Http404(scope.MSG_NOT_FOUND)
        return attachment_response(field_file, filename=getattr(obj, self.name_field, "") if self.name_field else "",
                                   content_type=(getattr(obj, self.type_field) or None) if self.type_field else None)

    def get_file(self, obj):
        return getattr(obj, self.file_field)


class AttachmentField(serializers.FileField):
    """An API file field: checked like the pages' uploads; read back as the scoped download address."""

    def __init__(self, *, view_name: str, **kwargs):
        self.view_name = view_name
        kwargs.setdefault("required", False)
        kwargs.setdefault("validators", [validate_attachment])
        super().__init__(**kwargs)

    def to_representation(self, value):
        if not value:
            return None
        url = reverse(self.view_name, args=[value.instance.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url
