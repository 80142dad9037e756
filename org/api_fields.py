"""Serializer pieces every app's API shares: user accounts shown by name.

A field that names a user account (`actor`, `nominated_by`, `reviewer`, `decided_by`, ...) answers
its id; `UserNamesMixin` adds `<field>_name` next to each such field of a ModelSerializer: the
account's full name (`last_name + first_name`, as Chinese names are written), else its username.
Both answer null for callers other than bureau staff (`org.scope.scope_serializer_choices`: who acted
is shown to bureau staff only, in the API as on the pages). The viewset selects the accounts with
the rows (`select_related`), so a list reads no account per row.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def user_display_name(user) -> str:
    """The name a client shows for a user account: full name (family name first), else username."""
    full = f"{user.last_name}{user.first_name}".strip()
    return full or user.get_username()


@extend_schema_field({"type": "string", "nullable": True, "readOnly": True})
class UserNameField(serializers.ReadOnlyField):
    """The display name of the user account at `source` (null when none). Withheld (null) from
    callers other than bureau staff, like the id field it accompanies."""

    names_a_user = True

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return user_display_name(value) if value is not None else None


class UserNamesMixin:
    """For a ModelSerializer: `<field>_name` (a `UserNameField`) for each listed field that is a
    foreign key to the user model, unless the serializer declares that name itself."""

    def get_fields(self):
        fields = super().get_fields()
        model = self.Meta.model
        user_model = get_user_model()
        named = {}
        for name, item in fields.items():
            named[name] = item
            try:
                field = model._meta.get_field(item.source or name)
            except FieldDoesNotExist:  # a declared, non-model field: nothing to name
                continue
            if getattr(field, "related_model", None) is user_model and not field.many_to_many \
                    and f"{name}_name" not in fields:
                named[f"{name}_name"] = UserNameField(source=field.name)
        return named
