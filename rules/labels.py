"""Plain-English names of deadlines and owners, for tables, timelines and letters.

Pure module. Data format: deadline key -> label; owner value -> label.
"""

from __future__ import annotations

from typing import Final

LABELS: Final = {
    "review_due": "Review completed (LA decision notified)",
    "meeting_due": "Review meeting held",
    "preparation_opens": "Preparation opens",
    "invitations_due": "Meeting invitations sent",
    "advice_due": "Advice gathered and circulated",
    "report_due": "Post-meeting report sent",
    "decision_due": "LA decision notified",
    "amendment_notice_due": "Amendment notice sent",
    "representations_close": "Representations window closes",
    "final_plan_due": "Final plan or not-amending notice",
    "phase_transfer_due": "Phase transfer: plan amended",
    "appeal_due": "Appeal reaches the Tribunal",
    "next_review_due": "Next review completed",
    "interim_review_due": "Interim review (under 5, advisory)",
    "transfer_meeting_by": "Transfer: latest safe meeting (advisory)",
    "transfer_decision_by": "Transfer: latest safe decision (advisory)",
}
OWNER_LABELS: Final = {"setting": "setting", "la": "LA", "none": "-"}
