from django.urls import reverse

from tests.fixtures import client_for


def test_an_oversized_request_is_refused_before_it_is_read(tenant):
    client = client_for(tenant.users["senco"])
    url = reverse("pupils:voice-add", args=[tenant.pupil_1.pk])
    response = client.post(url, data=b"x" * 16, content_type="application/octet-stream",
                           CONTENT_LENGTH=str(17 * 1024 * 1024))  # fmt: skip
    assert response.status_code == 413
    assert "The file must be smaller than 10MB" in response.content.decode()
    assert not tenant.pupil_1.voices.exists()
