"""The front door: a server-rendered web service where settings record reviews and caseworkers decide.

Each person sees only the reviews of their scope; the meeting record stays in the records database,
and a review's Prefect run is resumed with the non-personal part of a form only.
"""
