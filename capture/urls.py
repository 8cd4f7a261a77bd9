from django.urls import path

from capture import views

app_name = "capture"

urlpatterns = [
    path("items/<int:pk>/read-again/", views.read_again, name="read_again"),
    path("items/<int:pk>/create-contact/", views.create_contact, name="create_contact"),
]
