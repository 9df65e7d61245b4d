from conftest import PASSWORD
from mhr.audit.models import AuditEvent


def test_it_signs_in_with_email_and_password(client, bob):
    response = client.post(
        "/accounts/sign-in/", {"username": "BOB@springfield.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    # Signed in; as a member who can see encounter data, Bob sets up two-step sign-in next.
    assert client.get("/accounts/agency/")["Location"].startswith("/accounts/mfa/")
    assert client.get("/accounts/mfa/").status_code == 200
    assert AuditEvent.objects.filter(event_type="auth.sign_in", actor=bob).exists()


def test_it_gives_one_message_for_unknown_accounts_and_wrong_passwords(client, bob):
    wrong = client.post("/accounts/sign-in/", {"username": bob.email, "password": "nope" * 4})
    unknown = client.post(
        "/accounts/sign-in/", {"username": "nobody@example.com", "password": "nope" * 4}
    )
    assert wrong.status_code == unknown.status_code == 200
    message = "The email address or password is not correct."
    assert message in wrong.content.decode()
    assert message in unknown.content.decode()
    failures = AuditEvent.objects.filter(event_type="auth.sign_in_failed", outcome="failure")
    assert failures.count() == 2
    assert failures.filter(extra__email="nobody@example.com").exists()


def test_it_refuses_inactive_users_with_the_same_message(client, bob):
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    response = client.post("/accounts/sign-in/", {"username": bob.email, "password": PASSWORD})
    assert "The email address or password is not correct." in response.content.decode()


def test_it_signs_out_only_by_post(client_for, bob):
    client = client_for(bob)
    assert client.get("/accounts/sign-out/").status_code == 405
    response = client.post("/accounts/sign-out/")
    assert response.status_code == 302
    assert client.get("/accounts/agency/").status_code == 302
    assert AuditEvent.objects.filter(event_type="auth.sign_out", actor=bob).exists()


def test_the_sign_in_page_has_labelled_fields(client, db):
    html = client.get("/accounts/sign-in/").content.decode()
    assert '<label class="usa-label" for="id_username">Email address' in html
    assert '<label class="usa-label" for="id_password">Password' in html


def test_it_sends_a_password_reset_email_only_for_real_accounts(client, bob, mailoutbox):
    response = client.post("/accounts/password-reset/", {"email": bob.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body
    client.post("/accounts/password-reset/", {"email": "nobody@example.com"})
    assert len(mailoutbox) == 1


def test_the_reset_link_sets_a_new_password(client, bob, mailoutbox):
    client.post("/accounts/password-reset/", {"email": bob.email})
    link = next(line for line in mailoutbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("testserver", 1)[1]
    form_url = client.get(path)["Location"]
    new_password = "a long enough new passphrase"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.check_password(new_password)


def test_the_reset_form_refuses_short_passwords(client, bob, mailoutbox):
    client.post("/accounts/password-reset/", {"email": bob.email})
    link = next(line for line in mailoutbox[0].body.splitlines() if "/accounts/reset/" in line)
    form_url = client.get(link.split("testserver", 1)[1])["Location"]
    response = client.post(form_url, {"new_password1": "short1", "new_password2": "short1"})
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
