"""Shared fixtures: a city with two counties, a school and a staff member in each, a user per role."""

import os
from dataclasses import dataclass

import pytest
from django.conf import settings as django_settings

from org.models import Region, UserRole
from tests.factories import RegionFactory, SchoolFactory, StaffFactory, UserFactory, UserRoleFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

# The tests speak plain HTTP to the test client and the live server: production's HTTPS redirect
# and Secure cookies (on when DEBUG=0) are turned off here, before any handler reads them.
# tests/test_deploy_settings.py checks the production values themselves.
django_settings.SECURE_SSL_REDIRECT = False
django_settings.SESSION_COOKIE_SECURE = django_settings.CSRF_COOKIE_SECURE = False
# Every user the tests create gets a password (tests/factories.py, the demo's accounts): PBKDF2's 1,000,000
# rounds cost ~0.5 s of CPU each, the suite's largest single cost. The tests check passwords (set, changed,
# refused, checked at login), not the strength of the hash: they use Django's fast hasher, as Django's own
# test-speed advice says. Production keeps Django's default PBKDF2 (config/settings.py does not set the hashers).
django_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Rows the data migrations write (seed 003's default bound policy and dispatch requirements), which tests read.
# A transactional test's teardown flushes every table, these rows too; pytest-django runs those tests last, so the
# same run is unharmed, but the next run with --reuse-db (make test's default) found them gone and failed
# (BoundPolicy.DoesNotExist). Written again, idempotently, whenever the test database is set up or reused.
DATA_MIGRATIONS = [("evaluation.migrations.0003_bound_policy_default", "create_default"),
                   ("alliances.migrations.0002_default_requirements", "add_defaults")]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    import importlib

    from django.apps import apps

    with django_db_blocker.unblock():
        for module, function in DATA_MIGRATIONS:
            getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(autouse=True)
def eager_celery():
    """Run tasks in-process in every test, also when CI sets CELERY_BROKER_URL.

    The real broker path is proven by tests/org/test_tasks.py, which starts a worker and sends
    to it with its own client; everywhere else a queued task must run for its effect to be seen.
    """
    from config.celery_app import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@dataclass
class World:
    city: Region
    county_a: Region
    county_b: Region
    school_a: object
    school_b: object
    staff_a: object
    staff_b: object


@pytest.fixture
def world(db) -> World:
    city = RegionFactory(code="421200", name="咸宁市", level=Region.Level.CITY)
    county_a = RegionFactory(code="421202", name="咸安区", parent=city)
    county_b = RegionFactory(code="421221", name="嘉鱼县", parent=city)
    school_a = SchoolFactory(code="A001", name="咸安实验小学", region=county_a)
    school_b = SchoolFactory(code="B001", name="嘉鱼实验小学", region=county_b)
    return World(
        city, county_a, county_b, school_a, school_b,
        StaffFactory(name="甲老师", school=school_a), StaffFactory(name="乙老师", school=school_b),
    )


def _user_with_role(username, role, region=None, school=None, **extra):
    user = UserFactory(username=username, **extra)
    UserRoleFactory(user=user, role=role, region=region, school=school)
    return user


@pytest.fixture
def city_user(world):
    return _user_with_role("city", UserRole.Role.CITY_STAFF, region=world.city)


@pytest.fixture
def county_user(world):
    """Bureau staff of county A (咸安区)."""
    return _user_with_role("county_a", UserRole.Role.COUNTY_STAFF, region=world.county_a)


@pytest.fixture
def principal_user(world):
    """Principal of school A."""
    return _user_with_role("principal_a", UserRole.Role.PRINCIPAL, school=world.school_a)


@pytest.fixture
def supervisor_user(world):
    """Supervisor of county A."""
    return _user_with_role("supervisor_a", UserRole.Role.SUPERVISOR, region=world.county_a)


@pytest.fixture
def reviewer_user(world):
    return _user_with_role("reviewer", UserRole.Role.REVIEWER)
