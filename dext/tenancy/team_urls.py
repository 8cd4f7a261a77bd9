"""Business Settings → Team, mounted at /settings/team/."""

from django.urls import path

from dext.tenancy import views

app_name = "team"

urlpatterns = [
    path("", views.team, name="index"),
    path("invite/", views.team_invite, name="invite"),
    path("<int:pk>/", views.team_member, name="member"),
    path("<int:pk>/remove/", views.team_member_remove, name="member_remove"),
]
