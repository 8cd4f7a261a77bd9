from django.urls import path

from connections import views

app_name = "connections"

urlpatterns = [
    path("", views.connections_index, name="index"),
    path("software/", views.software_list, name="software"),
    path("xero/", views.xero_summary, name="xero"),
    path("xero/start/", views.xero_start, name="xero_start"),
    path("xero/callback/", views.xero_callback, name="xero_callback"),
    path("xero/choose/<int:attempt_id>/", views.xero_choose, name="choose"),
    path("xero/connected/", views.xero_connected, name="connected"),
    path("manage/refresh/", views.manage_refresh, name="refresh"),
    path("manage/disconnect/", views.manage_disconnect, name="disconnect"),
]
