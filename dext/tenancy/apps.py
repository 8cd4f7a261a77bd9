from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "dext.tenancy"
    label = "tenancy"
    verbose_name = "Businesses and members"
