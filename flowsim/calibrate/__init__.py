"""Calibration from CRM exports: read the export, estimate rates, conversions and delays
with their intervals, propose changes to a flow, and backtest the result.

A layer of its own above :mod:`flowsim.sim` (it runs the backtest through it); the
command line and the app call it. Never imports Qt. docs/calibrate.md shows the workflow.
"""
