"""Prefect's wrappers: the review run's stage tasks and the clock's tasks, with their retry policy; the work is in
``services``."""
