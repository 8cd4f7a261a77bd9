"""URL helpers shared by the sandbox's URLconfs."""

import re


def anycase(text: str) -> str:
    """A regex matching ``text`` in any letter case that Django can still reverse.

    Xero matches paths case-insensitively (xero-python calls ``/Connections``). An
    inline ``(?i)`` flag would be simpler, but Django refuses to reverse it.
    """
    return "".join(f"[{ch.lower()}{ch.upper()}]" if ch.isalpha() else re.escape(ch) for ch in text)
