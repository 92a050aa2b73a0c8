"""Running it: the embedded stack, serving, the production profile, drills and the operators' automations."""
