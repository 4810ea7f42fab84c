"""The simulation: a Flow compiled into SimPy processes, run over replications.

>>> from flowsim.io import loads_flow
>>> from flowsim.sim import SimConfig, simulate
>>> flow = loads_flow('''flowsim: 1
... name: Demo
... nodes:
...   - {id: ads, kind: source, arrivals: {per_day: 20}}
...   - {id: won, kind: sink, outcome: won}
... edges:
...   - {from: ads, to: won}
... ''')
>>> results = simulate(flow, SimConfig(days=30, replications=2, jobs=1))
>>> results.nodes["won"]["entered"].mean > 0
True

See docs/simulation.md for what each node does and how every number is defined. Nothing
here imports Qt; the heavy modules load on first use, so ``flowsim validate`` stays quick.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "Cancelled", "EdgeCount", "MAX_HOPS", "Metric", "Results", "SimConfig", "Trace",
    "TraceEvent", "TraceOptions", "compile_flow", "simulate",
]

_WHERE = {
    "Cancelled": "flowsim.sim.config",
    "MAX_HOPS": "flowsim.sim.config",
    "SimConfig": "flowsim.sim.config",
    "TraceOptions": "flowsim.sim.config",
    "EdgeCount": "flowsim.sim.results",
    "Metric": "flowsim.sim.results",
    "Results": "flowsim.sim.results",
    "Trace": "flowsim.sim.trace",
    "TraceEvent": "flowsim.sim.trace",
    "compile_flow": "flowsim.sim.plan",
    "simulate": "flowsim.sim.runner",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'flowsim.sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
