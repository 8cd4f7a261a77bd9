from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from dext.tenancy.middleware import SESSION_KEY
from dext.tenancy.permissions import business_member_required
from dext.tenancy.selectors import memberships_for_user


@business_member_required
def home(request):
    return redirect("items:inbox")


@login_required
@require_POST
def business_switch(request):
    """Make another of the user's businesses the current one (404-free: unknown ids are ignored)."""
    business_id = request.POST.get("business")
    membership = memberships_for_user(user=request.user).filter(business_id=business_id).first()
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
