"""The ``ehcp`` command: the composition root where clock, calendar and settings are built."""
