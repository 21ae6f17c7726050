"""The PySide6 desktop shell: one module per tab, workers in ``workers.py``."""
