import re

from django.urls import reverse


def test_inline_script_nonce_matches_the_content_security_policy(client, db):
    response = client.get(reverse("accounts:sign-in"))
    policy = response.headers["Content-Security-Policy"]
    nonces = re.findall(r'<script nonce="([^"]+)"', response.content.decode())
    assert len(nonces) == 1
    assert f"'nonce-{nonces[0]}'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_each_response_gets_a_fresh_nonce(client, db):
    first = client.get(reverse("accounts:sign-in")).headers["Content-Security-Policy"]
    second = client.get(reverse("accounts:sign-in")).headers["Content-Security-Policy"]
    assert first != second
