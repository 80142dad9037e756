"""Attachments: checked on upload, downloaded through the record's scope, never from /media/ (issue 8, point 6)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from org.attachments import validate_attachment
from rotation.models import Exemption
from tests.rotation.factories import ExemptionFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"
HTML = b"<html><script>alert(1)</script></html>"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = False


@pytest.mark.parametrize("name,content", [
    ("证明.pdf", PDF), ("scan.PNG", b"\x89PNG\r\n\x1a\n...."), ("photo.jpg", b"\xff\xd8\xff\xe0...."),
    ("表.xlsx", b"PK\x03\x04...."), ("材料.docx", b"PK\x03\x04...."), ("old.doc", b"\xd0\xcf\x11\xe0...."),
])
def test_documents_and_images_are_accepted(name, content):
    validate_attachment(SimpleUploadedFile(name, content))


@pytest.mark.parametrize("name,content,code", [
    ("page.html", HTML, "type"), ("x.svg", b"<svg/>", "type"), ("run.js", b"alert(1)", "type"), ("noext", PDF, "type"),
    ("page.pdf", HTML, "content"), ("fake.docx", HTML, "content"),
])
def test_scripts_pages_and_renamed_files_are_refused(name, content, code):
    with pytest.raises(ValidationError) as caught:
        validate_attachment(SimpleUploadedFile(name, content))
    assert caught.value.code == code


def test_the_size_limit_is_checked(settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError) as caught:
        validate_attachment(SimpleUploadedFile("big.pdf", PDF))
    assert caught.value.code == "size"


def test_an_html_upload_is_refused_on_the_page_and_nothing_is_saved(client, world, county_user):
    client.force_login(county_user)
    exemption = ExemptionFactory(staff=world.staff_a, state=Exemption.State.APPLIED)
    response = client.post(reverse("rotation:exemption-decide", args=[exemption.pk]), {
        "approve": "1", "reason": "同意", "attachment": SimpleUploadedFile("x.html", HTML),
    })
    assert response.status_code == 200 and "Office" in response.content.decode()
    exemption.refresh_from_db()
    assert (exemption.state, exemption.attachment.name) == (Exemption.State.APPLIED, "")


def exemption_with_file(staff):
    exemption = ExemptionFactory(staff=staff)
    exemption.attachment.save("证明.pdf", ContentFile(PDF))
    return exemption


def test_a_download_is_an_attachment_for_users_in_scope(client, world, county_user):
    exemption = exemption_with_file(world.staff_a)
    client.force_login(county_user)
    response = client.get(reverse("rotation:exemption-attachment", args=[exemption.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF


def test_out_of_scope_and_missing_attachments_answer_404(client, world, county_user):
    other = exemption_with_file(world.staff_b)
    bare = ExemptionFactory(staff=world.staff_a)
    client.force_login(county_user)
    for pk in (other.pk, bare.pk, 999999):
        assert client.get(reverse("rotation:exemption-attachment", args=[pk])).status_code == 404


def test_media_is_not_a_public_path(client, world, county_user):
    exemption = exemption_with_file(world.staff_a)
    client.force_login(county_user)
    assert client.get(f"/media/{exemption.attachment.name}").status_code == 404
    client.logout()
    assert client.get(reverse("rotation:exemption-attachment", args=[exemption.pk])).status_code == 302


def test_the_api_gives_the_download_address(client, world, county_user):
    exemption = exemption_with_file(world.staff_a)
    client.force_login(county_user)
    row = client.get(f"/api/v1/rotation/exemptions/{exemption.pk}/").json()
    assert row["attachment"].endswith(reverse("rotation:exemption-attachment", args=[exemption.pk]))


def test_nomination_attachments_follow_the_nomination(client, world, county_user, principal_user):
    from talentpool.models import NominationAttachment
    from tests.talentpool.factories import NominationFactory

    own, other = NominationFactory(staff=world.staff_a), NominationFactory(staff=world.staff_b)
    files = []
    for nomination in (own, other):
        attachment = NominationAttachment(nomination=nomination)
        attachment.file.save("材料.pdf", ContentFile(PDF))
        files.append(attachment)
    client.force_login(principal_user)
    url = reverse("talentpool:nomination-attachment", args=[own.pk, files[0].pk])
    assert client.get(url).status_code == 200
    assert client.get(reverse("talentpool:nomination-attachment", args=[other.pk, files[1].pk])).status_code == 404
    assert client.get(reverse("talentpool:nomination-attachment", args=[own.pk, files[1].pk])).status_code == 404
    assert url in client.get(own.get_absolute_url()).content.decode()
