"""Quality inside the chain (SPEC "Quality inside the chain", issues 25, 26):
checks a reviewer reads before signing (checks/), the metadata score, update
schedule and per-OPD view."""
