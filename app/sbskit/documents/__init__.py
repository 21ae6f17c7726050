"""Client documents on disk: HTML written as is, PDF rendered through QtGui.

Why a package of its own: it is the kit's one Qt edge outside the GUI. ``files`` has no Qt
and is what the CLI and the GUI call; ``pdf`` needs PySide6's QtGui (QTextDocument,
QPdfWriter) and is imported only when a ``.pdf`` is asked for, so ``sbskit-cli`` starts
and writes HTML without Qt, and says so in one line when a PDF cannot be made.
tests/core/test_import_contract.py holds the layers to this.
"""
