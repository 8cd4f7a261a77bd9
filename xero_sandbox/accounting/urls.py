app_name = "xero_sandbox_accounting"

urlpatterns: list = []
