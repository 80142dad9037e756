"""Links that users or data supply (notifications, attachments) go to the app's own pages only.

A stored link is rendered as a link only when it is one of the app's own paths (`/rotation/...`):
no `javascript:` or `data:` URL, no protocol-relative `//host`, no outside address (issue 8,
point 1; issue 16, point 1). The model validator refuses anything but an own path or an http(s)
address; the template filter `app_link` renders outside http(s) addresses as text, never links.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MSG_BAD_LINK = _("A link must be one of this site's own pages (starting with /) or an http(s) address.")


def app_path(url: str) -> str | None:
    """Return `url` when it is a path on this site (no scheme, no host, no backslash), else None."""
    url = (url or "").strip()
    if not url.startswith("/") or url.startswith("//") or "\\" in url or any(ord(ch) < 32 for ch in url):
        return None
    parts = urlsplit(url)
    return url if not parts.scheme and not parts.netloc else None


def validate_link(url: str) -> None:
    """Refuse a stored link that is neither an own path nor an http(s) address (ValidationError)."""
    if not url or app_path(url):
        return
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValidationError(MSG_BAD_LINK, code="bad_link")
