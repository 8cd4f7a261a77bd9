from django.apps import AppConfig


class CaptureConfig(AppConfig):
    name = "capture"
    verbose_name = "Capture"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from capture.services import alias_learn, capture_request_for_ids
        from dext import hooks

        # A stored document is read by the capture worker (items announces it).
        hooks.on(hooks.DOCUMENTS_RECEIVED, capture_request_for_ids)
        # A person picking the contact teaches capture the name printed on the document.
        hooks.on(hooks.CONTACT_CHOSEN, alias_learn)
