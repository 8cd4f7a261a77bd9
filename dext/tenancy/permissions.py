"""Server-side role checks for views.

``business_member_required`` - signed in and a member of a business (support staff,
who belong to none, are sent to the admin; anyone else to the "no business yet" page).
``business_admin_required`` - additionally an administrator of the current business;
anyone else gets the 403 page that tells them whom to ask.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render


def forbidden(request, *, reason: str = ""):
    return render(request, "403.html", {"reason": reason}, status=403)


def business_member_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.membership is None:
            return redirect("admin:index" if request.user.is_staff else "tenancy:no_business")
        return view(request, *args, **kwargs)

    return wrapper


def business_admin_required(view):
    @business_member_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.membership.is_administrator:
            return forbidden(request)
        return view(request, *args, **kwargs)

    return wrapper


def forbidden_handler(request, exception=None):
    return forbidden(request)
