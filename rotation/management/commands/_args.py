"""Argument helpers shared by the rotation commands."""

from datetime import date

from django.core.management.base import CommandError

from org.models import Region


def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of must be YYYY-MM-DD, not {value!r}") from None


def region_or_none(code: str | None) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise CommandError(f"No region with code {code}")
    return region
