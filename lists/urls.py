from django.urls import path

from lists import views

app_name = "lists"

urlpatterns = [
    path("categories/", views.categories, name="categories"),
    path("suppliers/", views.suppliers, name="suppliers"),
    path("customers/", views.customers, name="customers"),
    path("tracking/", views.tracking, name="tracking"),
    path("payment-methods/", views.payment_methods, name="payment_methods"),
    path("tax-rates/", views.tax_rates, name="tax_rates"),
    path("refresh/", views.refresh, name="refresh"),
    path("refresh/status/", views.refresh_status, name="refresh_status"),
]
