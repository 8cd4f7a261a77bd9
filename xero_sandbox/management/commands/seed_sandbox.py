from django.core.management.base import BaseCommand

from xero_sandbox.seed import DEMO_EMAIL, DEMO_PASSWORD, seed_sandbox


class Command(BaseCommand):
    help = "Create the sandbox's demo app, Xero user and organisations (safe to run again)."

    def handle(self, *args, **options):
        organisations = seed_sandbox()
        names = ", ".join(organisation.name for organisation in organisations)
        self.stdout.write(self.style.SUCCESS(f"Sandbox ready: {names}. Log in as {DEMO_EMAIL} / {DEMO_PASSWORD}."))
