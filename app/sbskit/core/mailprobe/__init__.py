"""POP3 risk: the checklist, a live exposure probe of a mail server, a safe relay test, a memo.

Modules stay small: ``netio`` (bounded socket I/O), ``tlsinfo``, ``pop3``/``imap``/
``smtp`` dialogues, ``ntlm``, ``findings`` (rules and overall risk), ``probe``
(orchestration), ``relay``, ``checklist`` and ``memo``. Nothing here imports Qt.
"""
