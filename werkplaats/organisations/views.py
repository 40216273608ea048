from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from werkplaats.audit.recorder import record_view
from werkplaats.core.forms import add_validation_error

from . import services
from .access import can_manage_members, get_access, require_role
from .forms import AcceptInvitationForm, InvitationForm, RolesForm
from .middleware import SESSION_KEY
from .models import Invitation, Membership, MembershipRole, Organisation, OrganisationKind, Role

PAGE_SIZE = 50


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    return get_object_or_404(
        Organisation.objects.visible_to(request.user).select_related("region", "municipality"), slug=slug
    )


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.visible_to(request.user).select_related("region", "municipality")
    query = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    if query:
        organisations = organisations.filter(
            Q(name__icontains=query) | Q(city__icontains=query) | Q(kvk_number=query) | Q(brin__iexact=query)
        )
    if kind in OrganisationKind.values:
        organisations = organisations.filter(kind=kind)
    page = Paginator(organisations.order_by("name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/organisation_list.html",
        {"page": page, "query": query, "kind": kind, "kinds": OrganisationKind.choices},
    )


@login_required
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    memberships = (
        Membership.objects.visible_to(request.user)
        .active()
        .filter(organisation=organisation)
        .select_related("user")
        .prefetch_related(Prefetch("role_set", queryset=MembershipRole.objects.order_by("role")))
        .order_by("user__name", "user__email")
    )
    manage = can_manage_members(request.user, organisation)
    invitations = (
        Invitation.objects.pending().filter(organisation=organisation).select_related("invited_by")
        if manage
        else Invitation.objects.none()
    )
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "invitations": invitations,
            "can_manage": manage,
            "show_members": get_access(request.user).sees_members_of(organisation),
        },
    )


@login_required
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _organisation(request, slug)
    require_role(request.user, organisation, Role.ADMIN)
    form = InvitationForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_member(
                organisation,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                roles=form.cleaned_data["roles"],
                language=form.cleaned_data["language"],
                by=request.user,
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect(organisation)
    return render(
        request,
        "organisations/invite.html",
        {"organisation": organisation, "form": form, "invitation_days": settings.WERKPLAATS_INVITATION_DAYS},
    )


def _membership(request: HttpRequest, organisation: Organisation, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.visible_to(request.user)
        .active()
        .filter(organisation=organisation)
        .select_related("user", "organisation")
        .prefetch_related("role_set"),
        pk=pk,
    )


@login_required
def member_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _organisation(request, slug)
    membership = _membership(request, organisation, pk)
    require_role(request.user, organisation, Role.ADMIN)
    form = RolesForm(request.POST or None, initial={"roles": membership.roles})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_roles(membership, roles=form.cleaned_data["roles"], by=request.user)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Roles of %(name)s saved.") % {"name": membership.user})
            return redirect(organisation)
    else:
        record_view(request, membership.user, subject_organisation_id=organisation.pk)
    return render(
        request,
        "organisations/member_edit.html",
        {"organisation": organisation, "membership": membership, "form": form},
    )


@login_required
def member_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _organisation(request, slug)
    membership = _membership(request, organisation, pk)
    require_role(request.user, organisation, Role.ADMIN)
    error = None
    if request.method == "POST":
        try:
            services.end_membership(membership, by=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("%(name)s is no longer a member of %(organisation)s.")
                % {"name": membership.user, "organisation": organisation},
            )
            return redirect(organisation)
    return render(
        request,
        "organisations/member_end.html",
        {"organisation": organisation, "membership": membership, "error": error},
    )


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = _organisation(request, slug)
    invitation = get_object_or_404(Invitation.objects.filter(organisation=organisation), pk=pk)
    require_role(request.user, organisation, Role.ADMIN)
    services.revoke_invitation(invitation, by=request.user)
    messages.success(request, _("The invitation for %(email)s was withdrawn.") % {"email": invitation.email})
    return redirect(organisation)


@login_required
@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    """Make another of the user's organisations the active one."""
    try:
        organisation_id = int(request.POST.get("organisation", ""))
    except ValueError:
        organisation_id = 0
    if organisation_id in get_access(request.user).organisation_ids():
        request.session[SESSION_KEY] = organisation_id
    else:
        messages.error(request, _("You are not a member of that organisation."))
    # Only a path of this site: any other text would be taken for a view's name by redirect().
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return HttpResponseRedirect(target)
    return redirect("core:home")


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the token in the link is the credential. Unknown or used tokens get a plain 404."""
    invitation = services.find_invitation(token)
    if invitation is None:
        return render(request, "organisations/invitation_invalid.html", status=404)
    from werkplaats.accounts.models import User

    existing = User.objects.filter(email__iexact=invitation.email).exists()
    context: dict[str, object] = {"invitation": invitation, "existing": existing}
    if existing:
        if not request.user.is_authenticated:
            context["wrong_user"] = False
        elif request.user.email.lower() != invitation.email:
            context["wrong_user"] = True
        elif request.method == "POST":
            try:
                services.accept_invitation(invitation, user=request.user)
            except ValidationError:
                # Used, withdrawn or expired between opening the page and pressing the button.
                return render(request, "organisations/invitation_invalid.html", status=404)
            request.session[SESSION_KEY] = invitation.organisation_id
            messages.success(request, _("Welcome to %(organisation)s.") % {"organisation": invitation.organisation})
            return redirect("core:home")
        return render(request, "organisations/accept_invitation.html", context)

    form = AcceptInvitationForm(request.POST or None, email=invitation.email, initial={"name": invitation.name})
    if request.method == "POST" and form.is_valid():
        try:
            user, _membership = services.accept_invitation_as_new_user(
                invitation, name=form.cleaned_data["name"], password=form.cleaned_data["password1"]
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SESSION_KEY] = invitation.organisation_id
            messages.success(request, _("Welcome to %(organisation)s.") % {"organisation": invitation.organisation})
            return redirect("core:home")
    context["form"] = form
    return render(request, "organisations/accept_invitation.html", context)
