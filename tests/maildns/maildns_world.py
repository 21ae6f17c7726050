"""The mail-DNS world the maildns tests check: one domain per mistake (filled in below)."""

from __future__ import annotations


def build_world(server, reverse: dict) -> None:
    return None
