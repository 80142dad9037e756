"""Searchable pickers: a select with many possible rows (schools, staff, users, groups) renders only the
selected option and asks a scoped JSON endpoint as the user types (issue 15, item 3).

The pieces
    `PickerSelect`, `PickerSelectMultiple`  the widgets: at render time they read at most `PICKER_LIMIT` + 1
        of the field's choices; when there are no more than that, they render an ordinary select from
        those rows (one query, as before); when there are more, only the empty option and the selected
        rows (one query by primary key), with `data-picker-url` naming the model's endpoint. `static/js/
        picker.js` turns such a select into a Tom Select box that loads suggestions from that URL;
        without JavaScript the selected value still submits and the list page's other filters work.
    `PickerView`  the endpoint base, one subclass per model (org: schools, staff, users; alliances:
        groups), on the scoped bases of org.scope: suggestions are exactly the rows the user's lists show
        (`visible_to`), so a county user is never offered another county's school.
    `register(Model, url_name)`  which endpoint serves a model's pickers (models without one render an
        ordinary select whatever their size).

The form still validates the submitted id against its own (scoped, often narrower) queryset, so a value
typed or picked outside it is refused with the field's usual message.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Model, Q
from django.forms.models import ModelChoiceIterator
from django.http import JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from org import scope
from org.models import School, Staff

MSG_NO_RESULTS = _("No results found")
MSG_TYPE_TO_SEARCH = _("Type a name or code to search")

PICKER_LIMIT = getattr(settings, "PICKER_LIMIT", 200)  # more choices than this: a searchable picker
SUGGESTIONS = 20  # rows per answer of an endpoint

_ENDPOINTS: dict[type[Model], str] = {}


def register(model: type[Model], url_name: str) -> None:
    """Name the URL (`app:pick-model`) of the endpoint that suggests rows of `model`."""
    _ENDPOINTS[model] = url_name


def picker_url(model) -> str | None:
    """The endpoint suggesting rows of `model`, or None (an ordinary select)."""
    name = _ENDPOINTS.get(model)
    if name is None:
        return None
    try:
        return reverse(name)
    except NoReverseMatch:  # an app whose URLs are not installed
        return None


def _selected_ids(values) -> list[int]:
    ids = []
    for value in values:
        try:
            ids.append(int(str(value)))
        except (TypeError, ValueError):  # a typed non-number: the form reports it, nothing to show
            continue
    return ids


class PickerMixin:
    """Render an ordinary select for a short choice list, a searchable picker for a long one."""

    def _render_choices(self, value):
        iterator = self.choices
        if not isinstance(iterator, ModelChoiceIterator) or iterator.queryset is None:
            return None, iterator
        url = picker_url(iterator.queryset.model)
        if url is None:
            return None, iterator
        empty = [("", iterator.field.empty_label)] if iterator.field.empty_label is not None else []
        rows = list(iterator.queryset[:PICKER_LIMIT + 1])
        if len(rows) <= PICKER_LIMIT:
            return None, empty + [iterator.choice(row) for row in rows]
        ids = _selected_ids(value)
        try:
            selected = list(iterator.queryset.filter(pk__in=ids)) if ids else []
        except (ValueError, ValidationError):
            selected = []
        return url, empty + [iterator.choice(row) for row in selected]

    def get_context(self, name, value, attrs):
        url, choices = self._render_choices(self.format_value(value))
        attrs = dict(attrs or {})
        if url is not None:
            attrs["data-picker-url"] = url
            attrs["data-picker-empty"] = str(MSG_NO_RESULTS)
            attrs["data-picker-prompt"] = str(MSG_TYPE_TO_SEARCH)
        original = self.choices
        self.choices = choices
        try:
            return super().get_context(name, value, attrs)
        finally:
            self.choices = original


class PickerSelect(PickerMixin, forms.Select):
    """One row of a possibly long list (a school, a staff member, a user, a group)."""


class PickerSelectMultiple(PickerMixin, forms.SelectMultiple):
    """Several rows of a possibly long list."""


def use_pickers(fields) -> None:
    """Give every model-choice field of a form (a dict of fields) the picker widget, keeping its attributes."""
    for field in fields.values():
        if not isinstance(field, forms.ModelChoiceField) or isinstance(field.widget, PickerMixin):
            continue
        kind = type(field.widget)
        if kind is forms.Select:
            picker = PickerSelect(attrs=field.widget.attrs)
        elif kind is forms.SelectMultiple:
            picker = PickerSelectMultiple(attrs=field.widget.attrs)
        else:  # radio buttons, check boxes, hidden inputs: left as they are
            continue
        picker.choices = field.widget.choices
        picker.is_required = field.widget.is_required
        field.widget = picker


class PickerView(LoginRequiredMixin, scope.ScopedQuerysetMixin, ListView):
    """Suggest up to 20 rows of `model` matching `?q=` among those the user may see, as
    `{"results": [{"id": 1, "text": "..."}]}`; an empty `q` answers the first rows by `ordering`.

    Subclasses set `model`, `search(queryset, text)` and `ordering`."""

    ordering = ("pk",)
    paginate_by = None

    def search(self, queryset, text: str):
        raise NotImplementedError

    def narrow(self, queryset):
        text = self.request.GET.get("q", "").strip()[:50]
        if text:
            queryset = self.search(queryset, text)
        return queryset.order_by(*self.ordering)

    def label(self, row) -> str:
        return str(row)

    def render_to_response(self, context, **response_kwargs):
        rows = context["object_list"][:SUGGESTIONS]
        return JsonResponse({"results": [{"id": row.pk, "text": self.label(row)} for row in rows]})


class SchoolPickerView(PickerView):
    """Schools by name (a substring) or code (a prefix)."""

    model = School
    ordering = ("code",)

    def search(self, queryset, text):
        return queryset.filter(Q(name__icontains=text) | Q(code__startswith=text))

    def label(self, row):
        return f"{row.name}（{row.code}）"


class StaffPickerView(PickerView):
    """Staff by name (a substring) or a full ID number (never a partial one: masked digits stay unguessable)."""

    model = Staff
    ordering = ("name", "id")

    def narrow(self, queryset):
        return super().narrow(queryset).select_related("school")

    def search(self, queryset, text):
        return queryset.filter(Q(name__icontains=text) | Q(id_number=text.upper()))

    def label(self, row):
        return f"{row}（{row.school.name}）" if row.school_id else str(row)


class UserPickerView(PickerView):
    """User accounts by user name or full name: the accounts the user's filters and forms may offer
    (`scope.choices_for`: themself, and for bureau staff the role holders of their region and the reviewers)."""

    model = get_user_model()
    ordering = ("username",)

    def scoped_queryset(self):
        return scope.choices_for(self.request.user, self.model._default_manager.all())

    def search(self, queryset, text):
        return queryset.filter(Q(username__icontains=text) | Q(first_name__icontains=text) | Q(last_name__icontains=text))

    def label(self, row):
        full = row.get_full_name()
        return f"{full}（{row.username}）" if full else row.username


register(School, "org:pick-school")
register(Staff, "org:pick-staff")
register(get_user_model(), "org:pick-user")
