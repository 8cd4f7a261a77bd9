from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = "Publishing"

    def ready(self) -> None:
        from dext import hooks
        from publishing.fixes import publication_error_clear_if_fixed
        from publishing.services import publishing_on_connected, publishing_on_xero_changed

        # An edit that fixes what a failed publish complained about clears the complaint.
        hooks.on(hooks.ITEM_EDITED, publication_error_clear_if_fixed)
        # A reconnect resumes what the broken connection paused.
        hooks.on(hooks.CONNECTED, publishing_on_connected)
        # Webhook events name invoices and credit notes that changed in Xero: read their status back.
        hooks.on(hooks.XERO_CHANGED, publishing_on_xero_changed)
