"""Shared checks of the dashboard tests: a figure's link answers a list of exactly that many rows, and the
list's export (same query string) holds that many data rows; the home page with its sections in place."""

import io
import re

from django.urls import reverse
from openpyxl import load_workbook


def list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    if context.get("paginator") is not None:
        return context["paginator"].count
    return len(context["object_list"])


def export_rows(client, url: str) -> int:
    """Data rows of the first sheet (the header row left out)."""
    response = client.get(url)
    assert response.status_code == 200, url
    body = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    rows = [row for row in sheet.iter_rows(values_only=True) if any(cell not in (None, "") for cell in row)]
    return len(rows) - 1


def export_url(list_url: str, export_name_url: str) -> str:
    """The export URL with the figure's query string."""
    query = list_url.split("?", 1)[1] if "?" in list_url else ""
    return f"{export_name_url}?{query}"


FRAGMENT = re.compile(r'data-dashboard-fragment="([^"]+)"')


def section_urls(body: str) -> list[str]:
    """The URLs of the sections a home page loads after itself (org.views.DashboardSectionView)."""
    return FRAGMENT.findall(body)


def home_body(client, **extra) -> str:
    """The home page as the browser shows it once its script has put each section in place: the page, and each
    placeholder's section fetched as the script fetches it (the X-Dashboard-Fragment header)."""
    body = client.get(reverse("home"), **extra).content.decode()
    parts = [body]
    for url in section_urls(body):
        response = client.get(url, HTTP_X_DASHBOARD_FRAGMENT="1", **extra)
        assert response.status_code == 200, url
        parts.append(response.content.decode())
    return "\n".join(parts)
