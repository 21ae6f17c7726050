"""Map build numbers in log headers to the Exchange version whose PowerShell we print."""

from __future__ import annotations

import re

VERSION_CHOICES = ("2003", "2007", "2010", "2013", "2016", "2019", "SE")


def exchange_version_from_build(build: str) -> str | None:
    """'15.01.2507.006' -> '2016'; '15.02.2562.017' -> 'SE'; '08.03.0083.006' -> '2007'; '6.5.7638.1' -> '2003'."""
    match = re.match(r"\s*0*(\d+)\.0*(\d+)", build or "")
    if not match:
        return None
    major, minor = int(match.group(1)), int(match.group(2))
    if major == 6:
        return "2003"
    if major == 8:
        return "2007"
    if major == 14:
        return "2010"
    if major == 15:
        if minor == 2:
            build = re.match(r"\s*0*\d+\.0*\d+\.0*(\d+)", build or "")
            return "SE" if build and int(build.group(1)) >= 2562 else "2019"
        return {0: "2013", 1: "2016"}.get(minor, "2019")
    return None
