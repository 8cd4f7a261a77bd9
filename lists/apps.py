from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "lists"
    verbose_name = "Lists"

    def ready(self) -> None:
        from dext import hooks
        from lists.contacts import contacts_on_xero_changed
        from lists.services import lists_on_connected

        # A new or renewed connection starts with fresh lists (connections never imports lists).
        hooks.on(hooks.CONNECTED, lists_on_connected)
        # Xero's webhooks said contacts changed: read just those (no full refresh).
        hooks.on(hooks.XERO_CHANGED, contacts_on_xero_changed)
