from django.apps import AppConfig


class ItemsConfig(AppConfig):
    name = "items"
    verbose_name = "Items"

    def ready(self) -> None:
        from dext import hooks
        from items.services.checks import items_recheck_after_refresh

        # A refresh that archived a category, tax rate, contact or tracking option sends
        # the Ready items using it back To review (lists never imports items).
        hooks.on(hooks.LISTS_REFRESHED, items_recheck_after_refresh)
