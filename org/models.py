"""Regions, schools, staff, their work history, and the roles that scope users."""

import shutil
import tempfile
from contextlib import contextmanager

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org import idcard
from org.versioning import Versioned


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County/district")

    code = models.CharField(_("administrative code"), max_length=6)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent region"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        # A city or a province too, not only a county: 行政区域, its level named by `level` (省/市/区县).
        verbose_name = _("administrative region")
        verbose_name_plural = _("administrative regions")
        constraints = [
            models.UniqueConstraint(fields=["code"], name="region_code_unique",
                                    violation_error_message=_("A region with this code already exists.")),
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{6}$"), name="region_code_6_digits",
                                   violation_error_message=_("The region code must be 6 digits.")),
        ]

    def __str__(self):
        return self.name


class School(Versioned, models.Model):
    class Stage(models.TextChoices):
        KINDERGARTEN = "kindergarten", _("Kindergarten")
        PRIMARY = "primary", _("Primary school")
        JUNIOR = "junior", _("Junior high school")
        SENIOR = "senior", _("Senior high school")
        NINE_YEAR = "nine_year", _("Nine-year school")
        COMPLETE = "complete", _("Complete secondary school")

    class Location(models.TextChoices):
        URBAN = "urban", _("Urban")
        TOWN = "town", _("Town")
        RURAL = "rural", _("Rural")

    # Uniqueness as a Meta constraint, not unique=True: PostgreSQL then builds one index, not a
    # second varchar_pattern_ops "_like" index that slows bulk imports (DESIGN.md, performance).
    code = models.CharField(_("school code"), max_length=32)
    name = models.CharField(_("name"), max_length=128)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="schools", verbose_name=_("region"))
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    location = models.CharField(_("location type"), max_length=8, choices=Location.choices)
    is_weak = models.BooleanField(_("weak school"), default=False)
    enrolment = models.PositiveIntegerField(_("enrolment"), default=0)
    class_count = models.PositiveIntegerField(_("number of classes"), default=0)
    history = HistoricalRecords()
    scope_school_path = ""  # org.scope: the row is the school

    class Meta:
        ordering = ["code"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        constraints = [models.UniqueConstraint(fields=["code"], name="school_code_unique",
                                               violation_error_message=_("A school with this code already exists."))]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("org:school-detail", args=[self.pk])


class Staff(Versioned, models.Model):
    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Post(models.TextChoices):
        PRINCIPAL = "principal", _("Principal")
        VICE_PRINCIPAL = "vice_principal", _("Vice principal")
        MIDDLE_CADRE = "middle_cadre", _("Middle cadre")
        TEACHER = "teacher", _("Teacher")

    class Honour(models.IntegerChoices):
        NONE = 0, _("None")
        SCHOOL = 1, _("School level")
        COUNTY = 2, _("County level")
        CITY = 3, _("City level")
        PROVINCE = 4, _("Province level")
        NATIONAL = 5, _("National level")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Employed")
        LEFT = "left", _("Left")
        RETIRED = "retired", _("Retired")

    LEADER_POSTS = (Post.PRINCIPAL, Post.VICE_PRINCIPAL)

    name = models.CharField(_("name"), max_length=64)
    id_number = models.CharField(_("national ID number"), max_length=18, validators=[idcard.validate_id_number])
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="staff", verbose_name=_("school"))
    post = models.CharField(_("post"), max_length=16, choices=Post.choices)
    is_head_teacher = models.BooleanField(_("head teacher"), default=False)
    subject = models.CharField(_("subject"), max_length=32, blank=True)
    title = models.CharField(_("professional title"), max_length=32, blank=True)
    honour_level = models.PositiveSmallIntegerField(_("honour level"), choices=Honour.choices, default=Honour.NONE)
    work_start = models.DateField(_("started working"), null=True, blank=True)
    school_start = models.DateField(_("started at current school"), null=True, blank=True)
    post_start = models.DateField(_("started in current post"), null=True, blank=True)
    status = models.CharField(_("employment status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    history = HistoricalRecords()
    scope_school_path = "school"

    class Meta:
        ordering = ["school__code", "name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        indexes = [
            models.Index(fields=["school", "status"], name="staff_school_status"),
            # the staff picker's first page (ORDER BY name, id LIMIT 20) read in order, not sorted from the scope
            models.Index(fields=["name", "id"], name="staff_name_id"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["id_number"], name="staff_id_number_unique",
                                    violation_error_message=_("A staff member with this ID number already exists.")),
            models.CheckConstraint(condition=Q(id_number__regex=r"^[0-9]{17}[0-9X]$"), name="staff_id_number_form",
                                   violation_error_message=_("The ID number must have 18 characters: 17 digits, then a digit or X.")),
            models.CheckConstraint(
                condition=Q(school_start__isnull=True) | Q(birth_date__lt=models.F("school_start")),
                name="staff_school_start_after_birth",
                violation_error_message=_("The start at the current school must be after the date of birth."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("org:staff-detail", args=[self.pk])

    @property
    def masked_id_number(self) -> str:
        return idcard.mask(self.id_number)

    @property
    def is_leader(self) -> bool:
        return self.post in self.LEADER_POSTS

    def clean(self):
        from django.core.exceptions import ValidationError

        if not self.id_number:
            return
        try:
            info = idcard.parse(self.id_number)
        except ValidationError as error:
            raise ValidationError({"id_number": error.messages}) from None
        self.id_number = info.number
        errors = {}
        if self.gender and self.gender != info.gender:
            errors["gender"] = MSG_GENDER_MISMATCH
        if self.birth_date and self.birth_date != info.birth_date:
            errors["birth_date"] = MSG_BIRTH_MISMATCH
        if errors:
            raise ValidationError(errors)


MSG_GENDER_MISMATCH = _("The gender does not match the ID number.")
MSG_BIRTH_MISMATCH = _("The birth date does not match the ID number.")


class WorkHistory(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="work_history", verbose_name=_("staff member"))
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+", verbose_name=_("school"))
    post = models.CharField(_("post"), max_length=16, choices=Staff.Post.choices, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    history = HistoricalRecords()
    scope_school_path = "staff__school"

    class Meta:
        ordering = ["staff", "start"]
        verbose_name = _("work history entry")
        verbose_name_plural = _("work history")
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="work_history_end_after_start",
                                   violation_error_message=_("The end date cannot be before the start date.")),
            models.UniqueConstraint(fields=["staff", "school", "start"], name="work_history_unique_start",
                                    violation_error_message=_("This person already has a work history entry at this school starting on this date.")),
        ]

    def __str__(self):
        return f"{self.staff} @ {self.school} ({self.start}–{self.end or ''})"


class UserRole(models.Model):
    class Role(models.TextChoices):
        CITY_STAFF = "city_staff", _("City bureau staff")
        COUNTY_STAFF = "county_staff", _("County bureau staff")
        PRINCIPAL = "principal", _("Principal")
        SUPERVISOR = "supervisor", _("Supervisor")
        REVIEWER = "reviewer", _("Reviewer")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region"))
    school = models.ForeignKey(School, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("school"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("user role")
        verbose_name_plural = _("user roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="user_role_once",
                                    violation_error_message=_("This user already holds this role.")),
            # Region-scoped roles need a region; a principal needs a school; a reviewer neither.
            models.CheckConstraint(
                condition=(
                    (Q(role__in=["city_staff", "county_staff", "supervisor"]) & Q(region__isnull=False) & Q(school__isnull=True))
                    | (Q(role="principal") & Q(school__isnull=False) & Q(region__isnull=True))
                    | (Q(role="reviewer") & Q(school__isnull=True) & Q(region__isnull=True))
                ),
                name="user_role_scope_matches_role",
                violation_error_message=_("The scope does not fit the role: bureau staff and supervisors need a region, principals a school, reviewers neither."),
            ),
        ]

    def __str__(self):
        target = self.region or self.school or ""
        return f"{self.user} · {self.get_role_display()} {target}".strip()


def import_upload_path(job, filename: str) -> str:
    """A random name: uploads hold whole rosters, so their paths must not be guessable."""
    import uuid

    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.xlsx"


class ImportJob(models.Model):
    """One uploaded workbook on its way in: checked, previewed, then committed (any registered kind)."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Checking")
        VALIDATED = "validated", _("Checked")
        FAILED = "failed", _("Has problems")
        COMMITTING = "committing", _("Importing")
        COMMITTED = "committed", _("Imported")

    kind = models.CharField(_("kind"), max_length=32)  # org.excel.register_importer(...).kind
    file = models.FileField(_("file"), upload_to=import_upload_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs",
                             verbose_name=_("uploaded by"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.UPLOADED)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in total"), default=0)
    summary = models.JSONField(_("summary"), default=list, blank=True)  # per sheet: counts and preview rows
    errors = models.JSONField(_("problems"), default=list, blank=True)  # [{sheet, row, column, message}]
    error_count = models.PositiveIntegerField(_("number of problems"), default=0)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    validated_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    # Liveness (org.services.jobs): a running task beats every IMPORT_HEARTBEAT_SECONDS from a thread
    # of its own; the beat sweep restarts a job whose beat stopped (its worker died), at most
    # IMPORT_MAX_RESTARTS times, then marks it failed and `stopped` (the owner may start it again).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    restarts = models.PositiveSmallIntegerField(_("restarts"), default=0)
    stopped = models.BooleanField(_("processing stopped"), default=False)
    history = HistoricalRecords(excluded_fields=["heartbeat_at"])
    # Scoped by a registered scoper (org.scope): users see their own jobs only.

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [models.Index(fields=["user", "-created_at"], name="importjob_user_created")]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("org:import-detail", args=[self.pk])

    RUNNING = [Status.VALIDATING, Status.COMMITTING]  # a task holds the job (and beats for it)

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.UPLOADED, self.Status.VALIDATING, self.Status.COMMITTING}

    @property
    def can_commit(self) -> bool:
        return self.status == self.Status.VALIDATED and self.error_count == 0

    @property
    def can_restart(self) -> bool:
        """Failed because processing stopped (a crash or a dead worker), not because of the file's rows."""
        return self.status == self.Status.FAILED and self.stopped

    @contextmanager
    def local_file(self):
        """A path to the upload for the readers: the file itself on disk storage, else a temporary copy."""
        try:
            path = self.file.path
        except NotImplementedError:  # remote storage (no .path): copy it down
            path = None
        if path is not None:
            yield path
            return
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as copy, self.file.open("rb") as source:
            shutil.copyfileobj(source, copy)
            copy.flush()
            yield copy.name


def export_file_path(job, filename: str) -> str:
    """A random name under exports/: a finished export holds a roster, so its path must not be guessable."""
    import uuid

    return f"exports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.xlsx"


class ExportJob(models.Model):
    """An export too large to write inside a request (issue 15): written by a Celery task, kept for its owner.

    The job stores the user and the filters (the query string), never a list of rows: the task reads
    the rows again through the user's scope. Liveness as ImportJob (org.services.jobs.heartbeat and the
    beat sweep); the file is deleted EXPORT_KEEP_HOURS after it was finished (org.services.exports).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Writing")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    kind = models.CharField(_("kind"), max_length=48)  # org.exporting.register_export(...).kind
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="export_jobs",
                             verbose_name=_("requested by"))
    query = models.JSONField(_("filters"), default=dict, blank=True)  # {name: [values]} of the query string
    args = models.JSONField(_("arguments"), default=dict, blank=True)  # the URL's arguments (a cycle, a kind)
    filename = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in total"), default=0)
    file = models.FileField(_("file"), upload_to=export_file_path, max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    restarts = models.PositiveSmallIntegerField(_("restarts"), default=0)
    # Scoped by a registered scoper (org.scope): users see their own jobs only.

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        indexes = [models.Index(fields=["user", "-created_at"], name="exportjob_user_created"),
                   models.Index(fields=["status", "finished_at"], name="exportjob_status_finished")]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("org:export-detail", args=[self.pk])

    RUNNING = [Status.RUNNING]  # a task holds the job (and beats for it)

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file)


class Account(models.Model):
    """What the platform keeps about a user beyond Django's: who manages the account, and first-login state.

    `region` is the bureau that manages the account (org.accounts): a county for its principals and
    reviewers, the city for its county clerks and supervisors. `staff` links a principal's account to
    the 校长 row it was made for (create_principal_accounts makes one per such row that has none).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="account", verbose_name=_("user"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("managed by"))
    staff = models.ForeignKey(Staff, on_delete=models.SET_NULL, null=True, blank=True, related_name="accounts",
                              verbose_name=_("staff member"))
    must_change_password = models.BooleanField(_("must change password at next login"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self):
        return str(self.user)


class Unmasking(models.Model):
    """One time a bureau user saw a person's full ID number: opening the record or exporting it (DESIGN, personal data)."""

    class Kind(models.TextChoices):
        RECORD = "record", _("Opened the full record")
        EXPORT = "export", _("Exported with ID numbers")

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="unmaskings", verbose_name=_("staff member"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    detail = models.CharField(_("details"), max_length=200, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    scope_school_path = "staff__school"

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("ID number shown in full")
        verbose_name_plural = _("ID numbers shown in full")
        indexes = [models.Index(fields=["staff", "-at"], name="unmasking_staff_at")]

    def __str__(self):
        return f"{self.user} · {self.staff} · {self.at:%Y-%m-%d %H:%M}"


class TransferRequest(models.Model):
    """A cross-county transfer (跨县调动, issue 10, 11): a county's 教职工 row for a person registered in
    another county. The city bureau running both counties approves it; the person's record then moves,
    with its history, to `to_school`. Until then the requesting county sees its own row (`name`, the
    values it typed) and the request's state, never the other county's record."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting the city bureau")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="transfer_requests",
                              verbose_name=_("staff member"))
    from_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("county registered in"))
    to_school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="incoming_transfers",
                                  verbose_name=_("school moving to"))
    name = models.CharField(_("name as typed"), max_length=64)
    values = models.JSONField(_("staff fields as typed"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("cross-county transfer")
        verbose_name_plural = _("cross-county transfers")
        constraints = [models.UniqueConstraint(fields=["staff"], condition=Q(state="pending"),
                                               name="transfer_one_pending_per_staff",
                                               violation_error_message=_("This staff member already has a pending transfer request."))]

    def __str__(self):
        return f"{self.name} → {self.to_school}"

    def get_absolute_url(self):
        return reverse("org:transfer-list")


class StaffFigure(models.Model):
    """How many active staff a school has, stored by the periodic job (org.tasks.compute_staff_figures) for the home
    page: counting 500,000 staff on every visit is too slow for a page (issue 14, item 8). A derived table rebuilt
    whole by each run (a school without active staff has no row), so it keeps no history of its own; the page shows
    when it was computed, since the staff list it links to is live."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="+", verbose_name=_("school"))
    active = models.PositiveIntegerField(_("active staff"))
    computed_at = models.DateTimeField(_("computed at"))
    scope_school_path = "school"

    class Meta:
        verbose_name = _("staff figure")
        verbose_name_plural = _("staff figures")

    def __str__(self):
        return f"{self.school_id} = {self.active}"
