"""No lost updates (issue 16): a row's `version`, checked on save, for every model a user edits.

Two clerks open the same record; the first saves; the second's save is refused with a message
naming what changed since they opened it (the fields, and who and when if the reader is bureau
staff), instead of silently writing their stale copy over the first one's work.

Models
    `Versioned` (abstract): adds `version` (1 on creation, +1 on every save). Every `save()` of an
    existing row is a compare-and-swap (`UPDATE ... WHERE id = %s AND version = <the version this
    instance was read at>`): a stale instance is refused with `VersionConflict`, whoever saves it
    (a service, the admin, a task). `QuerySet.update()` and `bulk_update` bypass it: their callers
    count the write with `bump(queryset)` / `counted_as_saves(model, objects, fields)` (the imports do).

Pages
    `VersionedFormMixin` on a form adds a hidden `version` field (the version the page was rendered
    from: the instance's for a ModelForm, else pass `version=obj.version` as initial); views that save
    call `check(obj, seen=form.cleaned_data["version"], reader=request.user)` inside the transaction
    of the service call (org.web's ServiceFormMixin and ActionView do it for every versioned model;
    action templates post `<input type="hidden" name="version" value="{{ object.version }}">`).

API
    `VersionedViewSetMixin` on a scoped viewset: a detail GET answers `ETag: "<version>"`; a write to
    one row (PUT/PATCH/DELETE, detail actions) with `If-Match: "<version>"` or a `version` in its body
    is checked against the row (locked) before anything is written: a stale `If-Match` answers 412,
    a stale body `version` 409, both in the one error shape {"detail": "<the message>"}
    (org/api_errors.py). Writes without either are not checked beyond the save's compare-and-swap.
    `VersionedSerializerMixin` puts `version` in a serializer's output (read-only).

`check`, `VersionConflict` and `describe_changes` are model-agnostic: alliances and evaluation adopt
the mechanism by inheriting `Versioned` (one migration) and using the same mixins.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MSG_STALE = _("This record was changed after you opened it: %(changes)s. Nothing of yours was saved; "
              "reload the page, check the record and save again.")
MSG_CHANGED_FIELDS = _("%(fields)s changed")
MSG_CHANGED_BY = _("%(fields)s changed by %(user)s at %(when)s")
MSG_CHANGED_UNKNOWN = _("some fields")
MSG_CREATED = _("the record was created")
MSG_CREATED_BY = _("the record was created by %(user)s at %(when)s")
MSG_DELETED = _("This record was deleted after you opened it.")
MSG_BAD_VERSION = _("The version must be a whole number, as sent in the ETag or the record's version field.")


class VersionConflict(ValidationError):
    """A save from a stale copy; `status` is 412 for a failed If-Match precondition, else 409."""

    def __init__(self, message, *, status: int = 409):
        super().__init__(message, code="stale")
        self.status = status


class Versioned(models.Model):
    """Abstract: `version` counts the row's saves; a save from a stale copy raises VersionConflict."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            return super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        self._version_read = self.version
        self.version += 1
        try:
            return super().save(*args, **kwargs)
        except VersionConflict:
            self.version = self._version_read
            raise
        finally:
            del self._version_read

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        read = getattr(self, "_version_read", None)
        if read is None:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        if super()._do_update(base_qs.filter(version=read), using, pk_val, values, update_fields, forced_update):
            return True
        if not base_qs.filter(pk=pk_val).exists():
            return False  # deleted meanwhile: Django inserts it again, as it always has
        reader = getattr(self, "_history_user", None)
        raise VersionConflict(describe_changes(type(self), pk_val, since=read, reader=reader))


def bump(queryset) -> int:
    """Count a queryset.update() as a save of each row: version + 1 (call it in the same transaction)."""
    return queryset.update(version=F("version") + 1)


def counted_as_saves(model, objects: list, fields) -> list[str]:
    """Before a bulk_update of `objects`: set each one's version to the row's current one + 1 (one query)
    and return `fields` with "version", so a page opened before an import is refused afterwards."""
    if not (isinstance(model, type) and issubclass(model, Versioned)) or not objects:
        return list(fields)
    current = dict(model._base_manager.filter(pk__in=[obj.pk for obj in objects]).values_list("pk", "version"))
    for obj in objects:
        obj.version = current.get(obj.pk, obj.version) + 1
    return [*fields, "version"] if "version" not in fields else list(fields)


def parse_version(value) -> int | None:
    """A version from a form, a body or an If-Match header (`"3"`, `W/"3"`, `3`); None when absent."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if text.startswith("W/"):
        text = text[2:]
    try:
        return int(text.strip('"'))
    except ValueError:
        raise ValidationError({"version": [MSG_BAD_VERSION]}) from None


def etag(obj) -> str:
    return f'"{obj.version}"'


def check(obj, *, seen: int | None, reader=None, status: int = 409) -> None:
    """Refuse (VersionConflict) when the row changed since version `seen` was read; lock it otherwise.

    Inside a transaction the row is locked (SELECT ... FOR UPDATE) until the caller's writes commit,
    so two clerks who both saw version 3 cannot both pass. `seen=None` checks nothing; `seen=0` means
    the page saw no row yet (`obj` unsaved): refused if one has been created since.
    """
    if seen is None:
        return
    current = None
    if obj.pk is not None:
        current = type(obj)._base_manager.select_for_update().filter(pk=obj.pk).values_list("version", flat=True).first()
    if current is None:
        if seen == 0:  # the page saw no row (version 0) and there still is none
            return
        raise VersionConflict(MSG_DELETED, status=status)
    if current != seen:
        raise VersionConflict(describe_changes(type(obj), obj.pk, since=seen, reader=reader), status=status)


def describe_changes(model, pk, *, since: int, reader=None) -> str:
    """The refusal naming what changed on row `pk` after version `since`, from its audit history.

    Field names are their verbose names; who and when are named only when `reader` is bureau staff
    (school staff are not told which bureau clerk edited a record).
    """
    from org import scope

    if not hasattr(model, "history"):  # no audit history to read: say only that it changed
        return str(MSG_STALE % {"changes": MSG_CHANGED_FIELDS % {"fields": MSG_CHANGED_UNKNOWN}})
    history = model.history.filter(**{model._meta.pk.attname: pk}).order_by("history_date", "history_id")
    records = list(history.filter(version__gte=since))
    show_who = reader is not None and scope.is_bureau_staff(reader)
    parts = [_describe_creation(records[0], show_who)] if since == 0 and records else []
    for previous, record in zip(records, records[1:], strict=False):
        if record.version <= since:
            continue
        fields = _changed_fields(model, previous, record)
        parts.append(_describe(fields, record, show_who))
    unknown = str(MSG_CHANGED_FIELDS % {"fields": MSG_CHANGED_UNKNOWN})
    return str(MSG_STALE % {"changes": "；".join(parts) if parts else unknown})


def _changed_fields(model, previous, record) -> list[str]:
    delta = record.diff_against(previous, excluded_fields=["version"])
    names = []
    for change in delta.changes:
        field = model._meta.get_field(change.field)
        names.append(str(field.verbose_name))
    return names


def _who_and_when(record) -> dict:
    user = record.history_user
    who = (user.get_full_name() or user.username) if user is not None else gettext("the system")
    return {"user": who, "when": date_format(timezone.localtime(record.history_date), "Y-m-d H:i")}


def _describe(fields: list[str], record, show_who: bool) -> str:
    listed = "、".join(fields) if fields else str(MSG_CHANGED_UNKNOWN)
    if not show_who:
        return str(MSG_CHANGED_FIELDS % {"fields": listed})
    return str(MSG_CHANGED_BY % {"fields": listed, **_who_and_when(record)})


def _describe_creation(record, show_who: bool) -> str:
    return str(MSG_CREATED_BY % _who_and_when(record)) if show_who else str(MSG_CREATED)


class VersionedFormMixin:
    """A hidden `version` field: the version the page showed (a ModelForm's instance, or `initial`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None and "version" not in self.initial:
            self.initial["version"] = instance.version

    @property
    def seen_version(self) -> int | None:
        return self.cleaned_data.get("version")


def seen_in_post(post) -> int | None:
    """The version a posted page carried (its hidden `version` input), for forms without the mixin."""
    try:
        return parse_version(post.get("version"))
    except ValidationError:
        return None


class VersionedSerializerMixin:
    """`version` in a serializer's output (read-only: a client sends it back in the body or If-Match)."""

    def get_fields(self):
        from rest_framework import serializers

        fields = super().get_fields()
        fields["version"] = serializers.IntegerField(read_only=True)
        return fields


class VersionedViewSetMixin:
    """ETag on detail GETs; If-Match (412) or a body `version` (409) checked on writes to one row.

    Writes (POST/PUT/PATCH/DELETE) run in one transaction that rolls back on any error answer, so the
    row locked by the check stays locked until the service's writes commit.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)
            return response

    def get_object(self):
        obj = super().get_object()
        if self.request.method in ("GET", "HEAD"):
            if getattr(self, "action", None) == "retrieve":  # the row itself, not an action's answer
                self._versioned_object = obj
        elif isinstance(obj, Versioned):
            self._check_precondition(obj)
        return obj

    def _check_precondition(self, obj) -> None:
        if_match = self.request.headers.get("If-Match")
        if if_match and if_match.strip() != "*":
            check(obj, seen=parse_version(if_match), reader=self.request.user, status=412)
            return
        data = self.request.data
        body = data.get("version") if hasattr(data, "get") else None
        check(obj, seen=parse_version(body), reader=self.request.user, status=409)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        obj = getattr(self, "_versioned_object", None)
        if isinstance(obj, Versioned) and response.status_code == 200:
            response["ETag"] = etag(obj)
        return response
