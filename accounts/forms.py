from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from send_portal.forms import GovukForm


class SignInForm(AuthenticationForm):
    template_name = "govuk/forms/form.html"
    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been switched off. Ask your local authority's SEND team.",
    }

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
