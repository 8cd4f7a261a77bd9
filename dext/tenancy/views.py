from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from dext.accounts.throttle import Throttled, throttle_hit
from dext.tenancy import services
from dext.tenancy.access import access_object
from dext.tenancy.forms import InviteForm, MembershipForm, SignupForm
from dext.tenancy.middleware import SESSION_KEY
from dext.tenancy.models import Membership
from dext.tenancy.permissions import business_admin_required, business_member_required, forbidden
from dext.tenancy.selectors import business_members, memberships_for_user


@login_required
def home(request):
    if not request.membership:  # a lazy object: "is None" would never be true
        # Support staff work in the admin; anyone else with no business is told so.
        return redirect("admin:index" if request.user.is_staff else "tenancy:no_business")
    return redirect("items:inbox")


@login_required
@require_POST
def business_switch(request):
    """Make another of the user's businesses the current one (404-free: unknown ids are ignored)."""
    business_id = request.POST.get("business", "")
    # Anything that is not a plain id is ignored like an id that is not the user's.
    membership = (
        memberships_for_user(user=request.user).filter(business_id=int(business_id)).first()
        if business_id.isascii() and business_id.isdigit() and len(business_id) < 19
        else None
    )
    if membership is not None:
        request.session[SESSION_KEY] = membership.business_id
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        next_url = "/"
    return redirect(next_url)


@login_required
def no_business(request):
    if request.membership is not None:
        return redirect("home")
    return render(request, "tenancy/no_business.html")


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None, initial={"country": "GB", "base_currency": "GBP"})
    if request.method == "POST":
        try:
            throttle_hit(scope="signup", request=request, account=request.POST.get("email", ""), what="sign-up")
        except Throttled as error:
            form.add_error(None, error.user_message)
            return render(request, "registration/signup.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.business_create_with_admin(
                email=data["email"],
                password=data["password"],
                business_name=data["business_name"],
                country=data["country"],
                base_currency=data["base_currency"],
            )
        except services.EmailAlreadyRegistered as error:
            form.add_error("email", error.user_message)
        else:
            login(request, membership.user, backend="dext.tenancy.auth.EmailBackend")
            request.session[SESSION_KEY] = membership.business_id
            messages.success(request, f"Welcome to dext. {membership.business.name} is ready.")
            return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


def _team_page(request, *, invite_form=None, status=200):
    return render(
        request,
        "tenancy/team.html",
        {
            "members": business_members(business=request.business),
            "invite_form": invite_form or InviteForm(),
        },
        status=status,
    )


@business_member_required
def team(request):
    """Everyone sees who is in the business; only administrators get the forms."""
    if request.method not in ("GET", "HEAD"):
        # Standard users are read-only here whatever they send; administrators post
        # to the invite and member URLs instead.
        if not request.membership.is_administrator:
            return forbidden(request)
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return _team_page(request)


@business_admin_required
@require_POST
def team_invite(request):
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            membership = services.member_invite(
                business=request.business,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                can_publish=form.cleaned_data["can_publish"],
                acting_user=request.user,
            )
        except services.AlreadyMember as error:
            form.add_error("email", error.user_message)
        else:
            messages.success(request, f"{membership.user.email} was invited to {request.business.name}.")
            return redirect("team:index")
    return _team_page(request, invite_form=form, status=400)


@business_admin_required
def team_member(request, pk):
    membership = access_object(Membership.objects.select_related("user"), business=request.business, pk=pk)
    form = MembershipForm(
        request.POST or None, initial={"role": membership.role, "can_publish": membership.can_publish}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(
                membership=membership,
                role=form.cleaned_data["role"],
                can_publish=form.cleaned_data["can_publish"],
                acting_user=request.user,
            )
        except services.LastAdministrator as error:
            messages.error(request, error.user_message)
        else:
            messages.success(request, f"{membership.user.email}'s access was updated.")
            return redirect("team:index")
    return render(request, "tenancy/team_member.html", {"membership": membership, "form": form})


@business_admin_required
def team_member_remove(request, pk):
    membership = access_object(Membership.objects.select_related("user"), business=request.business, pk=pk)
    if request.method == "POST":
        try:
            services.membership_remove(membership=membership, acting_user=request.user)
        except services.LastAdministrator as error:
            messages.error(request, error.user_message)
            return redirect("team:member", pk=membership.pk)
        if membership.user_id == request.user.pk:
            messages.success(request, f"You left {request.business.name}.")
            return redirect("home")
        messages.success(request, f"{membership.user.email} was removed from {request.business.name}.")
        return redirect("team:index")
    return render(request, "tenancy/team_member_remove.html", {"membership": membership})
