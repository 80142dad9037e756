"""Writes to schools, staff and roles: keyword-only, atomic, validated, audited with the actor."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org import idcard, scope
from org.models import Region, School, Staff, UserRole

MSG_SCHOOL_OUT_OF_SCOPE = _("You may not change schools outside your region.")
MSG_STAFF_OUT_OF_SCOPE = _("You may not change staff outside your region.")
MSG_REGION_LEVEL = _("County bureau staff must be scoped to a county, city staff to a city.")


def save_audited(instance, *, actor, reason: str = "") -> None:
    """Validate and save one row, recording who changed it and why in its history."""
    instance.full_clean()
    instance._history_user = actor
    if reason:
        instance._change_reason = reason
    instance.save()


@transaction.atomic
def school_update(*, actor, school: School, data: dict) -> School:
    """Change a school's fields; the actor must be bureau staff of its region."""
    if not scope.can_manage(actor, school):
        raise PermissionDenied(MSG_SCHOOL_OUT_OF_SCOPE)
    if "region" in data and not scope.manageable_regions(actor).filter(pk=data["region"].pk).exists():
        raise PermissionDenied(MSG_SCHOOL_OUT_OF_SCOPE)
    for name, value in data.items():
        setattr(school, name, value)
    save_audited(school, actor=actor)
    return school


@transaction.atomic
def staff_update(*, actor, staff: Staff, data: dict) -> Staff:
    """Change a staff member's fields; moving them is allowed only between schools the actor manages."""
    if not scope.can_manage(actor, staff):
        raise PermissionDenied(MSG_STAFF_OUT_OF_SCOPE)
    school = data.get("school")
    if school is not None and not scope.can_manage(actor, school):
        raise PermissionDenied(MSG_STAFF_OUT_OF_SCOPE)
    for name, value in data.items():
        setattr(staff, name, value)
    save_audited(staff, actor=actor)
    return staff


@transaction.atomic
def staff_create(*, actor, data: dict) -> Staff:
    """Create a staff member in a school the actor manages; gender and birth date come from the ID."""
    school = data["school"]
    if not scope.can_manage(actor, school):
        raise PermissionDenied(MSG_STAFF_OUT_OF_SCOPE)
    info = idcard.parse(data["id_number"])
    values = {"gender": info.gender, "birth_date": info.birth_date, **data, "id_number": info.number}
    staff = Staff(**values)
    save_audited(staff, actor=actor)
    return staff


@transaction.atomic
def user_role_assign(*, actor, user, role: str, region: Region | None = None, school: School | None = None) -> UserRole:
    """Give a user a role; bureau-level roles must point at a region of the matching level."""
    expected = {UserRole.Role.CITY_STAFF: Region.Level.CITY, UserRole.Role.COUNTY_STAFF: Region.Level.COUNTY}
    if role in expected and (region is None or region.level != expected[role]):
        raise ValidationError(MSG_REGION_LEVEL)
    user_role, _created = UserRole.objects.get_or_create(user=user, role=role, defaults={"region": region, "school": school})
    if (user_role.region, user_role.school) != (region, school):
        user_role.region, user_role.school = region, school
        save_audited(user_role, actor=actor)
    user.__dict__.pop("_org_scope", None)
    return user_role


# --- Excel imports ----------------------------------------------------------------------------

IMPORT_BATCH = 5000


@transaction.atomic
def base_data_apply(*, actor, plan, context, reason: str, progress=None) -> None:
    """Write a checked base-data plan (org.importers) all or nothing, with history naming the actor.

    Rows were validated cell by cell and against the database by the importer, so they are written
    in bulk (bulk_create/bulk_update with history) rather than one full_clean() + save() each.
    """
    done, total = 0, plan.size

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, total)

    _apply_regions(plan, actor=actor, reason=reason)
    advance(len(plan.regions))
    _apply_schools(plan, actor=actor, reason=reason, advance=advance)
    _apply_staff(plan, actor=actor, reason=reason, advance=advance)
    _apply_work_history(plan, actor=actor, reason=reason, advance=advance)
    for handler, planned in plan.extra:
        handler.persist(planned, context)


def _apply_regions(plan, *, actor, reason: str) -> None:
    for code, values, pk in plan.regions:  # a handful of rows: one audited save each
        parent_id = plan.region_ids.get(values["parent_code"]) if values["parent_code"] else None
        region = Region.objects.get(pk=pk) if pk else Region(code=code, level=values.get("level", Region.Level.COUNTY))
        region.name = values["name"]
        if parent_id is not None:
            region.parent_id = parent_id
        save_audited(region, actor=actor, reason=reason)
        plan.region_ids[code] = region.pk


COPY_THRESHOLD = 2000


def _create_rows(model, rows: list[dict], *, actor, reason: str, advance) -> list[int]:
    """Create rows (dicts of field values) with their '+' history rows; return their ids in order."""
    from simple_history.utils import bulk_create_with_history

    use_copy = connection.vendor == "postgresql" and len(rows) >= COPY_THRESHOLD
    ids = []
    for start in range(0, len(rows), IMPORT_BATCH):
        batch = rows[start:start + IMPORT_BATCH]
        if use_copy:
            ids += _copy_create_with_history(model, batch, actor=actor, reason=reason)
        else:
            objects = [model(**row) for row in batch]
            bulk_create_with_history(objects, model, batch_size=1000, default_user=actor, default_change_reason=reason)
            ids += [obj.pk for obj in objects]
        advance(len(batch))
    return ids


def _update_rows(model, objects: list, *, fields: list[str], actor, reason: str, advance) -> None:
    from simple_history.utils import bulk_update_with_history

    for start in range(0, len(objects), IMPORT_BATCH):
        batch = objects[start:start + IMPORT_BATCH]
        bulk_update_with_history(batch, model, fields=fields, batch_size=1000, default_user=actor,
                                 default_change_reason=reason)
        advance(len(batch))


def _copy_create_with_history(model, rows: list[dict], *, actor, reason: str) -> list[int]:
    """PostgreSQL COPY for large creates (measured ~3x bulk_create): ids drawn from the table's sequence
    in one query, the rows in one COPY, and their history rows ('+', actor, reason) copied server-side
    with one INSERT ... SELECT (no second pass over the rows in Python)."""
    from psycopg import sql

    table, history_table = model._meta.db_table, model.history.model._meta.db_table
    fields = [field.attname for field in model._meta.concrete_fields if not field.primary_key]
    stamp = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    tracked = [field.attname for field in model.history.model._meta.concrete_fields
               if field.attname not in stamp and field.attname != "history_id"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [table, len(rows)])
        ids = [pk for (pk,) in cursor.fetchall()]
        with cursor.cursor.copy(_copy_sql(sql, table, ["id", *fields])) as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row([pk, *[row[name] for name in fields]])
        cursor.cursor.execute(
            sql.SQL("INSERT INTO {history} ({columns}) SELECT {tracked}, %s, %s, '+', %s FROM {table} "
                    "WHERE id = ANY(%s)").format(
                history=sql.Identifier(history_table), table=sql.Identifier(table),
                columns=sql.SQL(", ").join(sql.Identifier(name) for name in [*tracked, *stamp]),
                tracked=sql.SQL(", ").join(sql.Identifier(name) for name in tracked)),
            [timezone.now(), reason or None, getattr(actor, "pk", None), ids])
    return ids


def _copy_sql(sql, table: str, columns: list[str]):
    return sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(column) for column in columns))


def _resolve_references(rows: list[dict], **references: tuple[str, dict]) -> list[dict]:
    """Replace each row's reference (e.g. school_code) by the id it names, in place: a plan is used once,
    and copying 100,000 rows would cost ~60 MB."""
    for row in rows:
        for key, (field_name, ids) in references.items():
            row[field_name] = ids[row.pop(key)]
    return rows


def _apply_schools(plan, *, actor, reason: str, advance) -> None:
    rows = _resolve_references(plan.school_creates, region_code=("region_id", plan.region_ids))
    ids = _create_rows(School, rows, actor=actor, reason=reason, advance=advance)
    plan.school_ids.update({row["code"]: pk for row, pk in zip(rows, ids, strict=True)})
    for school in plan.school_updates:
        school.region_id = plan.region_ids[school._region_code]
    _update_rows(School, plan.school_updates, fields=["name", "region", "stage", "location", "is_weak"],
                 actor=actor, reason=reason, advance=advance)


STAFF_UPDATE_FIELDS = ["name", "gender", "birth_date", "school", "post", "is_head_teacher", "subject", "title",
                       "honour_level", "work_start", "school_start", "post_start", "status"]


def _apply_staff(plan, *, actor, reason: str, advance) -> None:
    school_ids = plan.school_ids
    rows = _resolve_references(plan.staff_creates, school_code=("school_id", school_ids))
    ids = _create_rows(Staff, rows, actor=actor, reason=reason, advance=advance)
    plan.staff_ids.update({row["id_number"]: pk for row, pk in zip(rows, ids, strict=True)})
    for staff in plan.staff_updates:
        staff.school_id = school_ids[staff._school_code]
    _update_rows(Staff, plan.staff_updates, fields=STAFF_UPDATE_FIELDS, actor=actor, reason=reason, advance=advance)


def _apply_work_history(plan, *, actor, reason: str, advance) -> None:
    from org.models import WorkHistory

    rows = _resolve_references(plan.history_creates, staff_number=("staff_id", plan.staff_ids),
                               school_code=("school_id", plan.school_ids))
    _create_rows(WorkHistory, rows, actor=actor, reason=reason, advance=advance)
    _update_rows(WorkHistory, plan.history_updates, fields=["post", "end"], actor=actor, reason=reason,
                 advance=advance)


# --- import jobs (any registered workbook kind) -------------------------------------------------

MSG_IMPORT_FORBIDDEN = _("Only city or county bureau staff may import data.")
MSG_UNKNOWN_KIND = _("Unknown kind of workbook.")
MSG_UPLOAD_TOO_LARGE = _("The file is too large; files up to %(limit)s MB are accepted.")
MSG_JOB_CRASHED = _("The workbook could not be processed because of an internal error; please try again or "
                    "contact the administrator.")
MSG_NOT_COMMITTABLE = _("This upload cannot be imported: it has problems, or it is already being imported.")
INLINE_MAX_BYTES = 256 * 1024  # smaller uploads are checked inline; larger ones go to Celery
PROGRESS_EVERY = 5000


def _job_progress(job_id: int):
    from org.models import ImportJob

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(rows_done=done, rows_total=max(total, done))

    return progress


@transaction.atomic
def import_job_create(*, actor, kind: str, upload) -> "ImportJob":  # noqa: F821
    """Store an upload after the safety checks and queue its check (inline when small)."""
    from org.excel import ExcelFileError, check_xlsx, get_importer
    from org.models import ImportJob

    if not scope.is_bureau_staff(actor):
        raise PermissionDenied(MSG_IMPORT_FORBIDDEN)
    try:
        get_importer(kind)
    except KeyError:
        raise ValidationError(MSG_UNKNOWN_KIND) from None
    if upload.size > settings.UPLOAD_MAX_BYTES:  # refused before it is stored
        raise ValidationError(MSG_UPLOAD_TOO_LARGE % {"limit": settings.UPLOAD_MAX_BYTES // 1048576})
    job = ImportJob(kind=kind, user=actor, original_name=upload.name[:255])
    job.file.save(upload.name, upload, save=False)
    try:
        with job.local_file() as path:
            check_xlsx(path)
    except ExcelFileError as error:
        job.file.delete(save=False)
        raise ValidationError(error.message) from None
    job._history_user = actor
    job.save()
    _queue(job, "org.import_job_validate")
    return job


def _queue(job, task_name: str) -> None:
    from org import tasks

    task = {"org.import_job_validate": tasks.import_job_validate, "org.import_job_commit": tasks.import_job_commit}[
        task_name]
    if job.file.size <= INLINE_MAX_BYTES:
        # In-process, right after the commit; a crash marks the job failed (ImportJobTask) instead of a 500.
        transaction.on_commit(lambda: task.apply(args=[job.pk], throw=False))
    else:
        transaction.on_commit(lambda: task.delay(job.pk))


def import_job_validate(*, job_id: int) -> None:
    """Check an upload and record its summary, preview and problems; a retry after a crash starts over."""
    from org.excel import get_importer
    from org.models import ImportJob

    claimed = ImportJob.objects.filter(pk=job_id, status__in=[ImportJob.Status.UPLOADED, ImportJob.Status.VALIDATING])
    if not claimed.update(status=ImportJob.Status.VALIDATING, rows_done=0):
        return  # already checked (or committed): nothing to do
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    with job.local_file() as path:
        result = get_importer(job.kind).run(path, user=job.user, commit=False, progress=_job_progress(job_id))
    _record(job, result, ok_status=ImportJob.Status.VALIDATED)


@transaction.atomic
def import_job_commit_request(*, actor, job) -> None:
    """Start importing a checked upload that has no problems (its owner only)."""
    from org.models import ImportJob

    if not scope.is_bureau_staff(actor) or job.user_id != actor.pk:
        raise PermissionDenied(MSG_IMPORT_FORBIDDEN)
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALIDATED, error_count=0)
    if not claimed.update(status=ImportJob.Status.COMMITTING, rows_done=0):
        raise ValidationError(MSG_NOT_COMMITTABLE)
    job.refresh_from_db()
    _queue(job, "org.import_job_commit")


def import_job_commit(*, job_id: int) -> None:
    """Import a checked upload all or nothing; it is checked again, since the data may have changed."""
    from org.excel import get_importer
    from org.models import ImportJob

    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if job.status != ImportJob.Status.COMMITTING:
        return  # committed already (a retried task) or never requested
    with job.local_file() as path:
        result = get_importer(job.kind).run(path, user=job.user, commit=True, progress=_job_progress(job_id),
                                            reason=f"Excel import #{job.pk}")
    _record(job, result, ok_status=ImportJob.Status.COMMITTED)


def _record(job, result, *, ok_status: str) -> None:
    from org.models import ImportJob

    now = timezone.now()
    job.summary = result.summary()
    job.errors = result.problems.as_list()
    job.error_count = len(result.problems)
    job.status = ok_status if result.ok else ImportJob.Status.FAILED
    job.rows_done = job.rows_total = max(result.rows, job.rows_total)
    if ok_status == ImportJob.Status.VALIDATED:
        job.validated_at = now
    elif result.ok:
        job.committed_at = now
    job._history_user = job.user
    job.save()


def import_job_crashed(*, job_id: int) -> None:
    """Mark a job whose task raised as failed, with a message instead of rows (nothing was committed)."""
    from org.models import ImportJob

    message = {"sheet": "", "row": None, "column": "", "message": str(MSG_JOB_CRASHED)}
    ImportJob.objects.filter(pk=job_id).exclude(status=ImportJob.Status.COMMITTED).update(
        status=ImportJob.Status.FAILED, errors=[message], error_count=1, updated_at=timezone.now())
