"""The PySide6 desktop shell: one package per tab, shared widgets and workers in ``common``."""
