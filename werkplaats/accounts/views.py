from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from werkplaats.core.language import use_language
from werkplaats.organisations.access import get_access

from .forms import ProfileForm


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The person's own account: name, language, memberships, and the ways to secure it."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        response = redirect("accounts:account")
        # The message below is already in the language just chosen.
        use_language(request, response, user.language)
        messages.success(request, _("Your details are saved."))
        return response
    return render(
        request,
        "accounts/account.html",
        {"form": form, "memberships": get_access(request.user).memberships},
    )
