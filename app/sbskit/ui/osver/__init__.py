"""The "OS version" tab: identify a Windows build, lint a detection script, copy a snippet."""
