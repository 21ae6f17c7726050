"""Which host names and addresses the probe and the relay test accept, checked before any lookup.

A name that cannot exist is bad input, not an unreachable server: ``999.1.1.1`` is no IPv4
address and, because no top-level domain is all digits (RFC 3696 section 2), no host name
either, yet the system resolver would happily try it (and ``1.2.3`` even "works": the C
library reads it as 1.2.0.3). Refusing such text here means one clear line and exit 2,
and no DNS query leaves the machine for it.
"""

from __future__ import annotations

import ipaddress
import re

from sbskit.core.errors import UserInputError

_LABEL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$")
_HEX_NUMBER = re.compile(r"^0[xX][0-9A-Fa-f]*$")


def split_host(host: str) -> str:
    """``[::1]`` -> ``::1``; other forms unchanged."""
    host = host.strip()
    if host.startswith("[") and host.endswith("]"):
        return host[1:-1]
    return host


def _shown(text: str) -> str:
    return repr(text if len(text) < 60 else text[:57] + "...")


def _numeric_problem(labels: list[str]) -> str:
    """Why an all-numeric dotted text is not an IPv4 address, in words."""
    if len(labels) != 4:
        return f"an IPv4 address has four numbers separated by dots, this has {len(labels)}"
    for label in labels:
        if not label.isdigit():
            return f"{label!r} is not a decimal number"
        if len(label) > 1 and label.startswith("0"):
            return f"{label!r} has a leading zero (it could be read as octal)"
        if int(label) > 255:
            return f"{label} is more than 255"
    return "it is not a usable IPv4 address"


_URL = re.compile(r"^[a-z][a-z0-9+.-]*://(?:[^@/]*@)?(\[[^\]]+\]|[^/:?#]+)", re.I)
_HOST_PORT = re.compile(r"^(\[[^\]]+\]|[^:\[\]]+):(\d{1,5})$")


def _hint(text: str) -> str:
    """What to give instead, when the text holds a host: a URL, an e-mail address, HOST:PORT."""
    url = _URL.match(text)
    if url:
        return f" (give the host part only, e.g. {url.group(1)})"
    if text.count("@") == 1 and "." in text.split("@")[1]:
        return (f" (that is a mail address; give the mail server's name, e.g. {text.split('@')[1]}, "
                "or the MX host's name)")
    if _HOST_PORT.match(text):
        return " (give the port with the port options, e.g. --pop3-port; the probe checks several ports)"
    return ""


def normalise_host(text: str) -> str:
    """A host name, IPv4 or IPv6 address (``[::1]`` allowed); UserInputError otherwise."""
    host = split_host(str(text or ""))
    if not host:
        raise UserInputError("give the mail server's host name or IP address")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    name = host[:-1] if host.endswith(".") else host
    labels = name.split(".")
    if not name or len(name) > 253 or not all(_LABEL.match(label) for label in labels):
        raise UserInputError(f"not a host name or IP address: {_shown(host)}{_hint(host)}")
    last = labels[-1]
    if last.isdigit() or _HEX_NUMBER.match(last):
        if all(label.isdigit() for label in labels):
            raise UserInputError(f"not an IPv4 address: {_shown(host)} ({_numeric_problem(labels)})")
        raise UserInputError(f"not a host name or IP address: {_shown(host)} (a name cannot end in a number)")
    return host


def check_port(value: int, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 65535:
        raise UserInputError(f"{what} must be a port number from 1 to 65535 (or 0 to skip), not {value}")
    return value
