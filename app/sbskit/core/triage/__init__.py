"""Queue triage: from "the queues are full" to the cause, the evidence and the fix.

Evidence files are recognised by content (``sniff``), decoded whatever their encoding
(``encoding``), streamed into compact counters (``read_*`` -> ``evidence``), judged by one
detector per cause (``detectors``), weighed with the admin's answers (``answers``) and
turned into an ordered plan (``plan``). ``engine.analyse`` runs it all.
"""

from sbskit.core.triage.answers import QUESTION_IDS, Answers
from sbskit.core.triage.engine import EvidenceFile, TriageResult, analyse
from sbskit.core.triage.model import CAUSES

__all__ = ["Answers", "CAUSES", "EvidenceFile", "QUESTION_IDS", "TriageResult", "analyse"]
