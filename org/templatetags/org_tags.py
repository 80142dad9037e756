from django import template

from org.links import app_path

register = template.Library()


@register.filter
def app_link(url: str) -> str:
    """The url when it is one of the app's own paths, else "" (render the text without a link)."""
    return app_path(url) or ""
