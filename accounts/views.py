from __future__ import annotations

from django.contrib import auth
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import ChooseAuthorityForm, SignInForm
from accounts.middleware import SESSION_KEY
from send_portal.policy import public, signed_in


@public
class SignInView(LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


@public
@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        auth.logout(request)
        return redirect("accounts:sign-in")
    return render(request, "accounts/sign_out.html")


@signed_in
@require_http_methods(["GET", "POST"])
def choose_authority(request: HttpRequest) -> HttpResponse:
    memberships = request.memberships  # type: ignore[attr-defined]
    if not memberships:
        return render(request, "accounts/no_membership.html", status=403)
    choices = [(m.local_authority_id, m.local_authority.name) for m in memberships]
    form = ChooseAuthorityForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_KEY] = form.cleaned_data["local_authority"]
        return redirect("home")
    return render(request, "accounts/choose_authority.html", {"form": form})
