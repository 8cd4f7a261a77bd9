from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "lists"
    verbose_name = "Lists"

    def ready(self) -> None:
        from dext import hooks
        from lists.services import lists_on_connected

        # A new or renewed connection starts with fresh lists (connections never imports lists).
        hooks.on(hooks.CONNECTED, lists_on_connected)
