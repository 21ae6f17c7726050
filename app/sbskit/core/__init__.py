"""Every check of the kit, importable without Qt (the CLI and tests depend on that)."""
