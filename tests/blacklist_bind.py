"""Transition alias: ``BindServer`` moved to ``tests/servers/bind.py`` (import ``servers.bind``).

Kept only so test code written before the move (``from blacklist_bind import BindServer``)
still runs; remove once nothing imports ``blacklist_bind``.
"""

from servers.bind import BindServer, free_port  # noqa: F401
