"""Re-encrypt every stored Xero token with the newest FIELD_ENCRYPTION_KEY.

Rotation: put the new key first in FIELD_ENCRYPTION_KEY (keeping the old one after it),
deploy, run this command, then drop the old key.
"""

from django.core.management.base import BaseCommand

from connections.services import tokens_reencrypt


class Command(BaseCommand):
    help = "Re-encrypt stored Xero tokens with the newest FIELD_ENCRYPTION_KEY."

    def handle(self, *args, **options):
        count = tokens_reencrypt()
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted the tokens of {count} connection(s)."))
