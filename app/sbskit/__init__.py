"""SBS Admin Kit: checks for the Windows and Exchange servers of small businesses.

The package is split so the core never needs Qt: ``sbskit.core`` holds every check,
``sbskit.ui`` (PySide6) and ``sbskit.cli`` are thin shells over it.
"""

__version__ = "0.1.0"
APP_NAME = "SBS Admin Kit"
APP_ID = "sbskit"
