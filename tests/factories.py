"""factory_boy factories for the org models, shared by every app's tests."""

import datetime as dt
import itertools

import factory
from django.contrib.auth import get_user_model

from org import idcard
from org.models import Region, School, Staff, UserRole, WorkHistory

_sequence = itertools.count(1)


def make_id_number(birth: dt.date = dt.date(1985, 5, 20), gender: str = "M", area: str = "421202") -> str:
    """A fresh valid ID number; each call gives a different one (area code varies the prefix)."""
    n = next(_sequence)
    area_code = f"{(int(area) + n // 100) % 1000000:06d}"
    return idcard.make(area_code, birth, n % 100, gender)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-123456")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{421300 + n:06d}")
    name = factory.Sequence(lambda n: f"县{n}")
    level = Region.Level.COUNTY


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    code = factory.Sequence(lambda n: f"S{n:06d}")
    name = factory.Sequence(lambda n: f"学校{n}")
    region = factory.SubFactory(RegionFactory)
    stage = School.Stage.PRIMARY
    location = School.Location.URBAN


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    class Params:
        birth = dt.date(1985, 5, 20)
        sex = "M"

    name = factory.Sequence(lambda n: f"教师{n}")
    id_number = factory.LazyAttribute(lambda o: make_id_number(o.birth, o.sex))
    gender = factory.LazyAttribute(lambda o: o.sex)
    birth_date = factory.LazyAttribute(lambda o: o.birth)
    school = factory.SubFactory(SchoolFactory)
    post = Staff.Post.TEACHER
    subject = "数学"
    work_start = dt.date(2008, 9, 1)
    school_start = dt.date(2015, 9, 1)


class WorkHistoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkHistory

    staff = factory.SubFactory(StaffFactory)
    school = factory.SubFactory(SchoolFactory)
    post = Staff.Post.TEACHER
    start = dt.date(2008, 9, 1)
    end = dt.date(2015, 8, 31)


class UserRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserRole

    user = factory.SubFactory(UserFactory)
    role = UserRole.Role.COUNTY_STAFF
