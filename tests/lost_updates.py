"""Two clerks at once: helpers shared by each app's lost-update tests (two logged-in sessions)."""

from django.test import Client


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def edit_page_post(client: Client, url: str, changes: dict) -> dict:
    """Load an edit page as a browser would and return the POST it would send with `changes` applied."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = [str(item) for item in value] if isinstance(value, list | tuple) else str(value)
    data.update({name: str(value) for name, value in changes.items()})
    return data


def page_error(response) -> str:
    """The refusal an edit page shows above its form."""
    return " ".join(str(error) for error in response.context["form"].non_field_errors())


def flash(response) -> str:
    return " ".join(str(message) for message in response.context["messages"]) if response.context else ""
