from django.urls import path

from dext.tenancy import views

app_name = "tenancy"

urlpatterns = [
    path("switch/", views.business_switch, name="switch"),
    path("none/", views.no_business, name="no_business"),
]
