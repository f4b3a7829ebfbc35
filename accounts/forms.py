from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from accounts import sign_in_attempts
from send_portal.forms import GovukForm


class SignInForm(AuthenticationForm):
    template_name = "govuk/forms/form.html"
    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been switched off. Ask your local authority's SEND team.",
        "throttled": "You have entered the wrong password too many times. Wait 15 minutes, then try again.",
    }

    def clean(self) -> dict[str, Any]:
        # Slow down password guessing: a few wrong tries per account (whatever the address they come
        # from) locks sign-in for that account for a while. The cache (Redis in production) holds counts.
        email = (self.data.get("username") or "").strip().lower()
        if email and sign_in_attempts.is_locked(email):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            if email:
                sign_in_attempts.record_failure(email)
            raise

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget = forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class ChooseAuthorityForm(GovukForm):
    local_authority = forms.TypedChoiceField(
        label="Which local authority are you working in?",
        widget=forms.RadioSelect,
        coerce=int,
        error_messages={"required": "Select the local authority you are working in"},
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].choices = choices  # type: ignore[attr-defined]
