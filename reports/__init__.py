"""Reports on the records: compliance, the SEN2 return, termly lists and the caseload summary.

Query modules take the caller's session and never open one; rendering is jinja2 with StrictUndefined.
"""
