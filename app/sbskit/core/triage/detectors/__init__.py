"""One detector per cause. Each reads the :class:`Evidence` and returns an Assessment.

Detectors add log-odds for and against their cause and say why in plain words; the
engine adds the prior from the admin's answers. A detector whose kind of evidence was
present but clean lowers its cause, so a healthy server ends with no strong finding.
"""

from __future__ import annotations

from sbskit.core.triage.detectors import (
    authenticated_relay,
    blocklisted,
    compromised_workstation,
    configuration_error,
    directory_harvest,
    mail_dns,
    ndr_backscatter,
    open_relay,
)

DETECTORS = (ndr_backscatter, directory_harvest, authenticated_relay, open_relay, compromised_workstation,
             configuration_error, blocklisted, mail_dns)
