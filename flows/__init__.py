"""The flows: the long-lived review run, the statutory clock and the liveness pass (orchestration only)."""
