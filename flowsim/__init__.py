"""flowsim: draw, simulate and animate lead-generation flows.

The layers, lowest first: :mod:`flowsim.model` (pure data), :mod:`flowsim.io` (the YAML
file format) and :mod:`flowsim.rules` (the expression language), :mod:`flowsim.sim`
(SimPy), :mod:`flowsim.render` (the look, SVG/PNG/animation), :mod:`flowsim.gui` (Qt).
"""

__version__ = "0.1.0"
