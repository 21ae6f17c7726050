"""OS version tools: name a Windows release from any text, lint logon scripts, generate snippets.

Everything here reads one data file, ``resources/windows-releases.json``, so the identifier,
the script checker's proofs and the snippet generator's match matrix can never disagree.
"""
