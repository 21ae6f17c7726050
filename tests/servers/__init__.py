"""Real servers on loopback for the tests: BIND, Dovecot and Postfix, started by one pytest plugin.

Why one place: the starters, their config (by installed version: Dovecot 2.3 and 2.4 want
different syntax) and their clean-up are shared by every feature's tests, which live with
their feature and only ask for a fixture (``dovecot_safe``, ``postfix_open``, ...) or build
a :class:`~servers.bind.BindServer` with their own zones. ``tests/conftest.py`` registers
:mod:`servers.plugin`.
"""
