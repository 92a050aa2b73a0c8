"""The statutory rules of EHCP annual reviews (STATUTORY.md): pure functions over dates.

Pure package: no Prefect, no database, no I/O and no clock reads. A business
date always comes in as an argument; a working-day predicate is built at the
composition root (see ``rules.bank_holidays``) and passed in.
"""
