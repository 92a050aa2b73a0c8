"""flows: Prefect orchestration (filled in by the review-flow and clock issues)."""
