"""A synthetic, Norfolk-sized caseload for demos and benchmarks: no real person, school or URN.

Output is CSV-shaped rows (the import file layouts), so demo data goes through the same checks
and writes as a real import. The same seed and ``as_of`` always give the same caseload.
"""
