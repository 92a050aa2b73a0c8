"""Notices: the letters and messages of an annual review, and the channels that deliver them.

No Prefect, no database and no clock here: callers pass every date and every
address in. Delivery tasks that record outcomes in the outbox live in ``tasks/``.
"""
