"""Importing settings and caseloads from CSV: every bad row reported, all or nothing, idempotent."""
