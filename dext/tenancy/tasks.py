from celery import shared_task
from django.db import connection


@shared_task(name="dext.health_check")
def health_check() -> dict:
    """Prove a worker is alive and reaches the database (monitoring, CI).

    Returns which database the worker uses, so a caller can tell it is the same one.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok", "database": str(connection.settings_dict["NAME"]), "vendor": connection.vendor}
