from django.urls import path

from items import views

app_name = "items"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("archive/", views.archive, name="archive"),
]
