"""Joint activities and their attachments (seed 000: 联合教研, 联考, 质量分析会, 科学日, 艺术节)."""

from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from alliances.models import Activity, ActivityAttachment, Group
from alliances.services.groups import _require_manager
from org.services import save_audited

ATTACHMENT_MAX_BYTES = getattr(settings, "ALLIANCES_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# extension → (content type served, leading bytes the file must start with; None: plain text)
ATTACHMENT_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
}

MSG_ACTIVITY_SCHOOL = _("%(school)s is not a school of this group.")
MSG_PARTICIPANT = _("%(staff)s does not work at a school of this activity.")
MSG_TOO_LARGE = _("%(name)s is %(size)s MB; an attachment may be at most %(limit)s MB.")
MSG_BAD_TYPE = _("%(name)s is not an accepted file (PDF, JPEG, PNG, Word, Excel or PowerPoint).")
MSG_CONTENT_MISMATCH = _("%(name)s does not contain what its extension says (%(ext)s).")


@transaction.atomic
def activity_create(*, actor: User, group: Group, kind: str, held_on: date, title: str, summary: str = "", schools=(),
                    participants=(), files=()) -> Activity:
    """Record a joint activity with its schools (of the group), participants (their staff) and attachments."""
    _require_manager(actor, group)
    school_ids = set(group.memberships.values_list("school_id", flat=True))
    schools = list(schools) or [group.lead_school]
    for school in schools:
        if school.pk not in school_ids:
            raise ValidationError({"schools": MSG_ACTIVITY_SCHOOL % {"school": school.name}})
    chosen = {school.pk for school in schools}
    for person in participants:
        if person.school_id not in chosen:
            raise ValidationError({"participants": MSG_PARTICIPANT % {"staff": person.name}})
    activity = Activity(group=group, kind=kind, held_on=held_on, title=title, summary=summary, created_by=actor)
    save_audited(activity, actor=actor, reason="recorded")
    activity.schools.set(schools)
    activity.participants.set(list(participants))
    for upload in files:
        attachment_add(actor=actor, activity=activity, upload=upload)
    return activity


def check_upload(upload) -> str:
    """The content type to serve an upload with; ValidationError when too large or not what it claims to be."""
    name = upload.name
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(MSG_TOO_LARGE % {"name": name, "size": round(upload.size / 1048576, 1),
                                               "limit": ATTACHMENT_MAX_BYTES // 1048576})
    extension = Path(name).suffix.lower()
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError(MSG_BAD_TYPE % {"name": name})
    content_type, magics = ATTACHMENT_TYPES[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in magics):
        raise ValidationError(MSG_CONTENT_MISMATCH % {"name": name, "ext": extension})
    return content_type


@transaction.atomic
def attachment_add(*, actor: User, activity: Activity, upload) -> ActivityAttachment:
    _require_manager(actor, activity.group)
    content_type = check_upload(upload)
    attachment = ActivityAttachment(activity=activity, original_name=Path(upload.name).name[:255], size=upload.size,
                                    content_type=content_type)
    attachment.file.save(upload.name, upload, save=False)
    save_audited(attachment, actor=actor, reason="attached")
    return attachment


__all__ = ["ATTACHMENT_MAX_BYTES", "MSG_ACTIVITY_SCHOOL", "MSG_PARTICIPANT", "MSG_TOO_LARGE", "MSG_BAD_TYPE",
           "MSG_CONTENT_MISMATCH", "activity_create", "check_upload", "attachment_add"]
