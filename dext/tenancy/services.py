"""Writes for tenancy: sign-up, the Team page and demo data all come through here.

Every function takes keyword-only arguments, validates with ``full_clean()`` and runs
in its own ``transaction.atomic``. Emails are sent only after the transaction commits,
so a rolled-back invitation never reaches anybody's inbox.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from dext.errors import ApplicationError
from dext.tenancy.models import Business, Membership, Role
from dext.tenancy.selectors import user_by_email

User = get_user_model()


class EmailAlreadyRegistered(ApplicationError):
    code = "email_already_registered"
    user_message = "An account with this email address already exists. Log in instead."


class AlreadyMember(ApplicationError):
    code = "already_member"
    user_message = "That person is already a member of this business."


class LastAdministrator(ApplicationError):
    code = "last_administrator"
    user_message = (
        "A business needs at least one administrator. Make another member an administrator "
        "first, then change or remove this one."
    )


def _normalise_email(email: str) -> str:
    return User.objects.normalize_email(email.strip()).lower()


def user_create(*, email: str, password: str | None) -> User:
    """A new user who logs in with ``email``; ``password=None`` leaves it unusable (invitations)."""
    email = _normalise_email(email)
    if user_by_email(email=email) is not None:
        raise EmailAlreadyRegistered()
    # Django's user model needs a unique username; dext logs in by email, so the
    # email (lower-cased) is the username too.
    user = User(username=email, email=email)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean()
    user.save()
    return user


def user_set_password(*, user: User, password: str) -> User:
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def user_make_support_staff(*, user: User) -> User:
    """Support staff use the Django admin; they are not members of any business."""
    user.is_staff = True
    user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


def business_create(*, name: str, country: str, base_currency: str) -> Business:
    business = Business(name=name.strip(), country=country.strip().upper(), base_currency=base_currency.strip().upper())
    business.full_clean()
    business.save()
    return business


def _membership_create(*, business: Business, user: User, role: str, can_publish: bool) -> Membership:
    membership = Membership(business=business, user=user, role=role, can_publish=can_publish)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def business_create_with_admin(
    *, email: str, password: str, business_name: str, country: str, base_currency: str
) -> Membership:
    """Sign-up: a new user, their business, and them as its administrator.

    Returns the administrator's membership (``.user`` and ``.business``).
    """
    user = user_create(email=email, password=password)
    business = business_create(name=business_name, country=country, base_currency=base_currency)
    return _membership_create(business=business, user=user, role=Role.ADMINISTRATOR, can_publish=True)


@transaction.atomic
def member_invite(
    *, business: Business, email: str, role: str, can_publish: bool = False, acting_user: User
) -> Membership:
    """Add ``email`` to ``business``: an existing user is added, a new one is created.

    A user who has never set a password (new, or invited before and not yet signed
    in) gets an email with a link to set one; Django's password-reset tokens sign it,
    so the link stops working once the password is set. An existing user gets a note
    that they were added.
    """
    email = _normalise_email(email)
    user = user_by_email(email=email)
    if user is None:
        user = user_create(email=email, password=None)
    elif Membership.objects.filter(business=business, user=user).exists():
        raise AlreadyMember()
    membership = _membership_create(business=business, user=user, role=role, can_publish=can_publish)
    needs_password = not user.has_usable_password()
    transaction.on_commit(
        lambda: _send_invitation(membership=membership, acting_user=acting_user, needs_password=needs_password)
    )
    return membership


def set_password_url(*, user: User) -> str:
    """An absolute link where ``user`` chooses a password (signed, single use)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)},
    )
    return f"{settings.SITE_URL}{path}"


def _send_invitation(*, membership: Membership, acting_user: User, needs_password: bool) -> None:
    context = {
        "business": membership.business,
        "role": membership.get_role_display(),
        "inviter": acting_user.email,
        "set_password_url": set_password_url(user=membership.user) if needs_password else "",
        "login_url": f"{settings.SITE_URL}{reverse('login')}",
    }
    subject = render_to_string("tenancy/email/invite_subject.txt", context).strip()
    body = render_to_string("tenancy/email/invite_body.txt", context)
    send_mail(subject, body, None, [membership.user.email])


def _lock_administrators(*, business: Business) -> list[Membership]:
    """Lock the business's administrator rows, always in pk order, before counting them.

    Two administrators demoting each other at the same moment would otherwise both
    see "another administrator exists" and leave the business with none.
    """
    return list(
        Membership.objects.select_for_update().filter(business=business, role=Role.ADMINISTRATOR).order_by("pk")
    )


def _ensure_another_administrator(*, membership: Membership) -> None:
    administrators = _lock_administrators(business=membership.business)
    if not any(admin.pk != membership.pk for admin in administrators):
        raise LastAdministrator()


@transaction.atomic
def membership_update(*, membership: Membership, role: str, can_publish: bool, acting_user: User) -> Membership:
    """Change a member's role and "can publish" permission."""
    if membership.role == Role.ADMINISTRATOR and role != Role.ADMINISTRATOR:
        _ensure_another_administrator(membership=membership)
    membership.role = role
    membership.can_publish = can_publish
    membership.full_clean()
    membership.save(update_fields=["role", "can_publish"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, acting_user: User) -> None:
    """Take a member out of the business; their user account stays (it may have other businesses)."""
    if membership.role == Role.ADMINISTRATOR:
        _ensure_another_administrator(membership=membership)
    membership.delete()


@transaction.atomic
def membership_ensure(*, business: Business, user: User, role: str, can_publish: bool = False) -> Membership:
    """The membership with exactly this role, created or corrected (idempotent; demo data, admin)."""
    membership = Membership.objects.filter(business=business, user=user).first()
    if membership is None:
        return _membership_create(business=business, user=user, role=role, can_publish=can_publish)
    if (membership.role, membership.can_publish) != (role, can_publish):
        if membership.role == Role.ADMINISTRATOR and role != Role.ADMINISTRATOR:
            _ensure_another_administrator(membership=membership)
        membership.role = role
        membership.can_publish = can_publish
        membership.full_clean()
        membership.save(update_fields=["role", "can_publish"])
    return membership
