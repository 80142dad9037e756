"""Out-of-scope objects for the generated scope test (tests/test_scope_generated.py), built with factory_boy.

`OutsideBuilder(anchor).build(Model)` returns one saved row of any model, anchored outside the user's
scope: every foreign key to a region points at the anchor's county, to a school at its school, to a
staff member at its staff member, to a user at a fresh account holding no role, and to any other
model at the row this builder made for that model (so a nomination, its intake, track and program
all sit in the same outside county). A model with a hand-written factory in tests/<app>/factories.py
uses it (foreign keys overridden as above); every other model gets a DjangoModelFactory generated from
its fields (required fields only: text gets the anchor's marker, numbers 1, dates today, choices the
first choice). The anchor's marker is in every name, so a list or an export that shows the row is caught
by searching its body for the marker.
"""

import datetime as dt
import decimal
from dataclasses import dataclass

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from org.models import Region, School, Staff, UserRole
from tests.alliances import factories as alliance_factories
from tests.factories import RegionFactory, SchoolFactory, StaffFactory, UserFactory, UserRoleFactory
from tests.rotation import factories as rotation_factories
from tests.talentpool import factories as talentpool_factories


@dataclass
class Anchor:
    marker: str
    county: Region
    school: School
    staff: Staff
    school2: School  # a second school of the county: where an assignment goes, a second group member


def make_anchor(marker: str, parent: Region, code: str) -> Anchor:
    """A county (under `parent`), a school and a staff member named with the marker."""
    county = RegionFactory(code=code, name=f"{marker}县", parent=parent)
    school = SchoolFactory(code=f"{marker}01", name=f"{marker}学校", region=county)
    staff = StaffFactory(name=f"{marker}老师", school=school)
    school2 = SchoolFactory(code=f"{marker}02", name=f"{marker}二校", region=county)
    return Anchor(marker, county, school, staff, school2)


def _hand_written_factories() -> dict:
    found = {}
    for module in (alliance_factories, rotation_factories, talentpool_factories):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, factory.django.DjangoModelFactory) \
                    and value._meta.model is not None:
                found[value._meta.model] = value
    return found


class OutsideBuilder:
    def __init__(self, anchor: Anchor, *, plain=frozenset()):
        """`plain`: models every signed-in user sees (reference tables): their text carries no marker."""
        self.anchor = anchor
        self.plain = plain
        self.made: dict[type, models.Model] = {Region: anchor.county, School: anchor.school, Staff: anchor.staff}
        self.factories = _hand_written_factories()
        self._users = 0

    def user(self, *, role: str | None = None) -> models.Model:
        """A fresh account: no role (an actor nobody in scope knows), or a role at the anchor."""
        self._users += 1
        user = UserFactory(username=f"{self.anchor.marker.lower()}_user{self._users}",
                           first_name=self.anchor.marker, last_name=self.anchor.marker)
        if role == UserRole.Role.PRINCIPAL:
            UserRoleFactory(user=user, role=role, school=self.anchor.school)
        elif role:
            UserRoleFactory(user=user, role=role, region=self.anchor.county)
        return user

    def build(self, model: type[models.Model]) -> models.Model:
        """One saved row of `model` outside the scope (the same row on every call); a row that cannot be
        built raises (IntegrityError, TypeError), inside a savepoint so the test's transaction survives."""
        if model in self.made:
            return self.made[model]
        made = dict(self.made)
        try:
            with transaction.atomic():
                return self._build(model)
        except Exception:
            self.made = made  # rows made inside the rolled-back savepoint are gone
            raise

    def _build(self, model):
        if model in self.made:
            return self.made[model]
        if model is get_user_model():  # an account of the outside county's principal
            obj = self.user(role=UserRole.Role.PRINCIPAL)
        else:
            overrides = {f.name: self._related(f) for f in model._meta.concrete_fields
                         if f.many_to_one or f.one_to_one}
            overrides = {name: value for name, value in overrides.items() if value is not None}
            hand = self.factories.get(model)
            if hand is not None:
                obj = hand(**overrides)
                self._mark(obj)
            else:
                obj = self._generated_factory(model)(**overrides)
            self._attach_files(obj)
        self.made[model] = obj
        return obj

    # Foreign keys that must differ from the anchor's first school (check and unique constraints).
    SECOND_SCHOOL = {("Assignment", "to_school"), ("Membership", "school")}

    def _related(self, field):
        if (field.model.__name__, field.name) in self.SECOND_SCHOOL:
            return self.anchor.school2
        if isinstance(field, models.OneToOneField) and field.remote_field.parent_link:
            return None
        target = field.remote_field.model
        if target is get_user_model():
            return self.user()
        if field.null and target not in self.made and target not in (Region, School, Staff):
            return None  # optional links stay empty unless the anchor's row exists
        return self._build(target)

    NAME_FIELDS = ("name", "title", "subject", "findings", "text")

    def _mark(self, obj):
        """Put the marker into the names a hand-written factory gave (lists show names, not ids)."""
        if type(obj) in self.plain:
            return
        for name in self.NAME_FIELDS:
            field = next((f for f in obj._meta.concrete_fields if f.name == name), None)
            if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
                setattr(obj, name, f"{self.anchor.marker}{getattr(obj, name)}"[: field.max_length or 200])
        obj.save()

    def _attach_files(self, obj):
        """Give every empty file field a file, so attachment downloads have something to serve."""
        empty = [f for f in obj._meta.concrete_fields if isinstance(f, models.FileField) and not getattr(obj, f.name)]
        for item in empty:
            getattr(obj, item.name).save(f"{self.anchor.marker}.pdf", ContentFile(b"%PDF-1.4 outside"), save=False)
        if empty:
            obj.save()

    def _generated_factory(self, model):
        attrs = {"Meta": type("Meta", (), {"model": model})}
        for field in model._meta.concrete_fields:
            if field.primary_key or field.is_relation or field.has_default() or field.null:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                continue
            attrs[field.name] = self._value(model, field)
        return type(f"Outside{model.__name__}Factory", (factory.django.DjangoModelFactory,), attrs)

    def _value(self, model, field):
        marker = "参考" if model in self.plain else self.anchor.marker
        if field.choices:
            return field.choices[0][0]
        if isinstance(field, models.FileField):
            return factory.django.FileField(filename=f"{marker}.pdf", data=b"%PDF-1.4 outside")
        if isinstance(field, (models.CharField, models.TextField)):
            limit = field.max_length or 200
            return factory.Sequence(lambda n: f"{marker}{model.__name__}{n}"[:limit])
        if isinstance(field, models.BooleanField):
            return False
        if isinstance(field, models.DecimalField):
            return decimal.Decimal("1")
        if isinstance(field, (models.IntegerField, models.FloatField)):
            return 1
        if isinstance(field, models.TimeField):
            return dt.time(9, 0)
        if isinstance(field, models.DateTimeField):
            return timezone.now()
        if isinstance(field, models.DateField):
            return dt.date.today()
        if isinstance(field, models.JSONField):
            return {}
        raise TypeError(f"no value for {model.__name__}.{field.name} ({type(field).__name__})")
