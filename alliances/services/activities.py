"""Joint activities and their attachments (seed 000: 联合教研, 联考, 质量分析会, 科学日, 艺术节)."""

import mimetypes
from datetime import date
from pathlib import Path

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliances import rules
from alliances.models import Activity, ActivityAttachment, Group, membership_on_q
from alliances.services.groups import require_manager
from org.attachments import validate_attachment
from org.services import save_audited

MSG_ACTIVITY_SCHOOL = _("%(school)s is not a school of this group.")
MSG_PARTICIPANT = _("%(staff)s does not work at a school of this activity.")
MSG_HELD_IN_FUTURE = _("%(on)s is after today (%(today)s): record an activity once it has been held.")
MSG_HELD_BEFORE_FOUNDED = _("The activity cannot be held before the group was founded (%(on)s).")
MSG_ACTIVITY_NOT_MEMBER_ON = _("%(school)s was not a school of this group on %(on)s.")


@transaction.atomic
def activity_create(*, actor: User, group: Group, kind: str, held_on: date, title: str, summary: str = "", schools=(),
                    participants=(), files=()) -> Activity:
    """Record a joint activity with its schools (of the group), participants (their staff) and attachments."""
    refusals = rules.date_refusals(today=timezone.localdate(), held_on=held_on)
    if refusals:
        raise ValidationError(refusals)
    require_manager(actor, group, on=held_on)
    today = timezone.localdate()
    if held_on > today:  # a record of what was held: a date ahead would count as this term's activity before it happens
        raise ValidationError({"held_on": MSG_HELD_IN_FUTURE % {"on": held_on, "today": today}})
    if held_on < group.founded_on:
        raise ValidationError({"held_on": MSG_HELD_BEFORE_FOUNDED % {"on": group.founded_on}})
    school_ids = set(group.memberships.values_list("school_id", flat=True))
    on_the_day = set(group.memberships.filter(membership_on_q(held_on))
                     .values_list("school_id", flat=True))
    schools = list(schools) or [group.lead_school]
    for school in schools:
        if school.pk not in school_ids:
            raise ValidationError({"schools": MSG_ACTIVITY_SCHOOL % {"school": school.name}})
        if school.pk not in on_the_day:
            raise ValidationError({"schools": MSG_ACTIVITY_NOT_MEMBER_ON % {"school": school.name, "on": held_on}})
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
    """The content type to serve an upload with; ValidationError when org.attachments refuses it (type, content, size)."""
    validate_attachment(upload)
    return mimetypes.guess_type(upload.name)[0] or "application/octet-stream"


@transaction.atomic
def attachment_add(*, actor: User, activity: Activity, upload) -> ActivityAttachment:
    require_manager(actor, activity.group, on=activity.held_on)
    content_type = check_upload(upload)
    attachment = ActivityAttachment(activity=activity, original_name=Path(upload.name).name[:255], size=upload.size,
                                    content_type=content_type)
    attachment.file.save(upload.name, upload, save=False)
    save_audited(attachment, actor=actor, reason="attached")
    return attachment


__all__ = ["MSG_ACTIVITY_SCHOOL", "MSG_PARTICIPANT", "activity_create", "check_upload", "attachment_add"]
