"""Which URLs address one tenant-owned object, and how tests make such an object.

Every URL pattern with an object-id keyword (``pk``, ``id``, ``*_pk``, ``*_id``) is an
"object URL". Each app registers, in ``<app>/tests/tenant_objects.py``, a dict

    TENANT_OBJECT_URLS = {"<namespace>:<url name>": make_kwargs}

where ``make_kwargs(business)`` creates a row owned by ``business`` and returns the
URL's kwargs for it. ``tests/test_tenant_isolation.py`` then proves that an
administrator of another business gets 404 for every registered URL, and lists every
object URL still without a registration.
"""

import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

OBJECT_KWARG = re.compile(r"^(pk|id|.+_pk|.+_id)$")
# Not tenant-scoped by dext's businesses: support staff's admin, and the Xero sandbox
# (which has its own Xero organisations).
EXCLUDED_NAMESPACES = ("admin", "xero_sandbox")


@dataclass(frozen=True)
class ObjectURL:
    name: str  # "namespace:name"
    route: str
    kwargs: tuple[str, ...]


def _walk(resolvers, namespace: str = "", prefix: str = "") -> Iterator[ObjectURL]:
    """Every named URL pattern, with its namespace and keyword arguments."""
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            child_namespace = namespace
            if entry.namespace:
                child_namespace = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, child_namespace, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield ObjectURL(name=name, route=prefix + str(entry.pattern), kwargs=tuple(_kwarg_names(entry)))


def _kwarg_names(entry: URLPattern) -> list[str]:
    pattern = entry.pattern
    converters = getattr(pattern, "converters", None)
    if converters:
        return list(converters)
    return list(getattr(pattern, "regex", re.compile("")).groupindex)


def product_urls() -> list[ObjectURL]:
    """Every named URL of the product (not the admin or the sandbox), one per name."""
    found = {
        url.name: url
        for url in _walk(get_resolver().url_patterns)
        if url.name.split(":", 1)[0] not in EXCLUDED_NAMESPACES
    }
    return sorted(found.values(), key=lambda url: url.name)


def object_urls() -> list[ObjectURL]:
    return [url for url in product_urls() if any(OBJECT_KWARG.match(kwarg) for kwarg in url.kwargs)]


def registered_factories() -> dict[str, Callable]:
    """``TENANT_OBJECT_URLS`` of every installed app that has a ``tests/tenant_objects.py``."""
    registry: dict[str, Callable] = {}
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.tests.tenant_objects"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name and module_name.startswith(error.name):
                continue  # this app registers nothing
            raise
        registry.update(getattr(module, "TENANT_OBJECT_URLS", {}))
    return registry
