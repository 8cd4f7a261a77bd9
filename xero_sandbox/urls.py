app_name = "xero_sandbox"

urlpatterns: list = []
