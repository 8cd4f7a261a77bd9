from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Log in with email address and password (case-insensitive email)."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = email or username
        if not email or password is None:
            return None
        user_model = get_user_model()
        user = user_model._default_manager.filter(email__iexact=email.strip()).order_by("pk").first()
        if user is None:
            # Spend the same time hashing as for a real user, against timing attacks.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
