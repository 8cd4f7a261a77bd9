"""Mounted at /xero-sandbox/ when settings.XERO_SANDBOX is on (see dext/urls.py).

Hosts it stands in for: login.xero.com (login/), identity.xero.com (identity/) and
api.xero.com (api/). API paths match case-insensitively, as Xero's do (xero-python
calls /Connections).
"""

from django.urls import include, path, re_path

from xero_sandbox.routing import anycase
from xero_sandbox.views import control, identity, pages

app_name = "xero_sandbox"


urlpatterns = [
    path("", pages.index, name="index"),
    path("control/", control.control_page, name="control"),
    path("control/api/log", control.control_log, name="control_log"),
    path("control/api/", control.control_api, name="control_state"),
    path("control/api/<slug:action>", control.control_api, name="control_api"),
    path("login/identity/connect/authorize", identity.authorize, name="authorize"),
    re_path(rf"^{anycase('identity')}/?$", identity.identity_root, name="identity_root"),
    path("identity/.well-known/openid-configuration", identity.openid_configuration, name="openid_configuration"),
    path("identity/.well-known/openid-configuration/jwks", identity.jwks, name="jwks"),
    re_path(rf"^{anycase('identity/connect/token')}/?$", identity.token, name="token"),
    re_path(rf"^{anycase('identity/connect/revocation')}/?$", identity.revocation, name="revocation"),
    re_path(rf"^{anycase('api/connections')}/?$", identity.connections, name="connections"),
    re_path(rf"^{anycase('api/connections')}/(?P<connection_id>[^/]+)/?$", identity.connection_detail, name="connection"),
    # The accounting app puts its API under api/api.xro/2.0/ and its pages under orgs/.
    path("", include("xero_sandbox.accounting.urls")),
]
