"""The service layer: what the product does, with no Prefect at import time.

The doors (``portal/``, ``cli/``) and Prefect's wrappers (``tasks/``) call these modules; Prefect itself is
reached only through ``services.runs``, which imports it when a call first needs it.
"""
