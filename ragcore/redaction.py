"""Secrets inside URLs never reach a message, a stored record or an export.

Hand-written because no well-kept library does exactly this: `urllib.parse` splits one URL but
does not find URLs inside prose, and a log-redaction package would be a dependency for a dozen
lines. A password in `api_base` (`http://user:pass@host/v1`) and a key in a query string
(`?api_key=...`, `&token=...`) are replaced by `***`; the rest of the address stays, so the
user still sees which server failed.
"""

from __future__ import annotations

import re

MASK = "***"
# scheme://userinfo@ : everything between the scheme and the last '@' before the host.
_USERINFO = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<userinfo>[^/\s@?#'\"`]+)@")
_SECRET_PARAMS = (
    r"api[_-]?key|apikey|key|token|access[_-]?token|auth|authorization|secret|client[_-]?secret|"
    r"password|passwd|pwd|sig|signature|x-amz-signature|x-goog-signature|code"
)
_QUERY_SECRET = re.compile(
    rf"(?P<lead>[?&;](?:{_SECRET_PARAMS})=)(?P<value>[^&#\s'\"`)]+)", re.IGNORECASE
)


def redact_urls(text: str) -> str:
    """`text` with URL userinfo and secret query values masked."""
    if "://" not in text and "=" not in text:
        return text
    text = _USERINFO.sub(lambda m: f"{m['scheme']}{MASK}@", text)
    return _QUERY_SECRET.sub(lambda m: f"{m['lead']}{MASK}", text)


def url_secrets(url: str | None) -> list[str]:
    """The secret parts of one URL (userinfo password and secret query values), so they can be
    scrubbed wherever they appear, even outside the URL."""
    if not url:
        return []
    found = []
    match = _USERINFO.search(url)
    if match:
        userinfo = match["userinfo"]
        found.append(userinfo)
        if ":" in userinfo:
            found.append(userinfo.split(":", 1)[1])
    found += [m["value"] for m in _QUERY_SECRET.finditer(url)]
    return [secret for secret in found if len(secret) >= 4]
