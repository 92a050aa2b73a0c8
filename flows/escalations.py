"""What a review run does when the statutory clock wakes it: act on each recorded event, oldest first.

Called from the review flow (so every task shows on the review's own run).
Safe to replay: the outbox and the delivery are idempotent by their keys and
statuses, the announcement is keyed per event, and an event marked done is
not listed again.
"""

from __future__ import annotations

from prefect import get_run_logger

from records.clock_events import WAIT_ENDED
from tasks.escalation_tasks import announce_escalation, events_to_act_on, mark_event_done
from tasks.notice_setup import notice_settings
from tasks.notifications import deliver_notification, enqueue_event_notifications


def retry_delays() -> list[float]:
    """The configured waits between delivery retries (``EHCP_DELIVERY_RETRY_DELAYS_SECONDS``)."""
    return list(notice_settings().delivery_retry_delays_seconds)


def act_on_clock_events(review_ref: str) -> int:
    """Raise the escalations and note the ended waits the clock recorded; return how many."""
    events = events_to_act_on(review_ref)
    for event in events:
        if not event.still_open:  # the stage was done after the clock recorded this: nothing to send
            mark_event_done(review_ref, event, cancelled=True)
            continue
        if event.ladder_step == WAIT_ENDED:
            get_run_logger().info("Review %s: the %s wait ended on %s", review_ref, event.deadline_key, event.due_on)
        else:
            announce_escalation(review_ref, event)
            deliver = deliver_notification.with_options(retry_delay_seconds=retry_delays())
            for notification_id in enqueue_event_notifications(review_ref, event.ladder_event()):
                deliver(notification_id)
        mark_event_done(review_ref, event)
    return len(events)
