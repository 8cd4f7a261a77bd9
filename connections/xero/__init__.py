"""The one gateway to Xero. Only this package imports ``xero_python`` or talks HTTP to Xero.

- ``oauth``: authorize URL, code exchange, token refresh and revocation (identity host).
- ``tokens``: hands out a fresh access token, refreshing under a row lock.
- ``api``: :class:`XeroApi`, the Accounting API and ``/connections`` calls.
- ``ratelimit``: the per-organisation limiter shared by every worker.
- ``errors``: our exceptions; every SDK, urllib3 and HTTP failure becomes one of them.

Base URLs come from settings, so the local sandbox and real Xero are one code path.
"""
