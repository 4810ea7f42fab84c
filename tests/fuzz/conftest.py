"""The fuzzers' Hypothesis profiles, chosen by FLOWSIM_FUZZ: ``quick`` (the default, inside
``make test``: a fixed, derandomized sample, so the suite is repeatable) or ``full``
(``make fuzz``: at least 10,000 random inputs per fuzzer)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_RELAXED = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]

settings.register_profile("fuzz-quick", max_examples=150, deadline=None, derandomize=True,
                          suppress_health_check=_RELAXED, database=None)
settings.register_profile("fuzz-full", max_examples=10_000, deadline=None, suppress_health_check=_RELAXED)

PROFILE = os.environ.get("FLOWSIM_FUZZ", "quick")
if PROFILE not in ("quick", "full"):
    raise ValueError(f"FLOWSIM_FUZZ={PROFILE!r}: use quick or full")
