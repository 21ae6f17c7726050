"""Where a save dialog starts: the kit's reports folder (on the stick in portable mode), so a
consultant finds every exported file in one place instead of wherever the process started."""

from __future__ import annotations

from sbskit.core.paths import app_paths


def in_reports(name: str) -> str:
    """``name`` inside the reports folder (created if possible), as the dialog's default path."""
    folder = app_paths().reports
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only stick: the dialog still opens, the admin picks a folder
        pass
    return str(folder / name)


def is_lan_address(host: str) -> bool:
    """A private or link-local IP literal: a LAN address, which a relay test from outside never targets
    (loopback is not a LAN address: it is this machine, and the tests' own servers)."""
    import ipaddress

    try:
        address = ipaddress.ip_address(host.strip().strip("[]"))
    except ValueError:
        return False
    return (address.is_private or address.is_link_local) and not address.is_loopback
