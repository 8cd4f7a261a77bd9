from django.urls import path

from connections import views

app_name = "connections"

urlpatterns = [
    path("", views.connections_index, name="index"),
]
