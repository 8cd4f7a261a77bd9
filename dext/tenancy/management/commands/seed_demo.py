"""Create the demo businesses, logins and (when those apps are present) sandbox and items.

Other apps plug in by providing the functions named in ``PLUGINS``; each must be
idempotent. A plug-in whose module is not there yet is skipped, so this command works
at every stage of the project.
"""

import importlib
import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand

from dext.tenancy.demo import DEFAULT_PASSWORD, DemoTenancy, seed_demo_tenancy


def _seed_sandbox(demo: DemoTenancy):
    if not settings.XERO_SANDBOX:
        return "skipped: the Xero sandbox is off (XERO_CLIENT_ID is set)"
    return _call("xero_sandbox.seed", "seed_sandbox")


def _seed_items(demo: DemoTenancy):
    return _call("items.demo", "seed_demo_items", business=demo.bakery)


def _sample_documents(demo: DemoTenancy):
    return _call("capture.demo", "write_sample_documents")


# (label, function taking the seeded tenancy) in the order they run: the sandbox first,
# so items can refer to its organisation.
PLUGINS = [
    ("Xero sandbox", _seed_sandbox),
    ("Demo items", _seed_items),
    ("Sample documents", _sample_documents),
]


def _call(module_name: str, function_name: str, **kwargs):
    try:
        found = importlib.util.find_spec(module_name) is not None
    except ModuleNotFoundError:  # the parent package itself is missing
        found = False
    if not found:
        return f"skipped: {module_name} is not available"
    function = getattr(importlib.import_module(module_name), function_name, None)
    if function is None:
        return f"skipped: {module_name}.{function_name} is not available"
    result = function(**kwargs)
    if isinstance(result, list | tuple | set):
        return f"done ({len(result)} records)"
    return "done" if result is None else f"done ({result})"


class Command(BaseCommand):
    help = "Create demo businesses and logins (idempotent), then the demo data of other apps."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Password for every demo login.")

    def handle(self, *args, password: str, **options):
        demo = seed_demo_tenancy(password=password)
        self.stdout.write(self.style.SUCCESS(f"Businesses: {demo.bakery.name} and {demo.cafe.name}"))
        for label, plugin in PLUGINS:
            self.stdout.write(f"{label}: {plugin(demo)}")
        self.stdout.write("Demo logins:")
        for email, login_password, purpose in demo.logins:
            self.stdout.write(f"  {email} / {login_password}  ({purpose})")
