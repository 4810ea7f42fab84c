"""Calibration speed: a 100,000-row CRM export read, fitted and proposed; and the backtest.

Prints figures; never passes or fails. Target (issue 17): a 100,000-row export calibrates
in under 10 s. The baseline measured in the same run is Python's own csv module reading
the same file, so the ratio says what the parsing of dates and the fits cost beyond it.
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flowsim.calibrate.backtest import backtest  # noqa: E402
from flowsim.calibrate.command import calibrate_file  # noqa: E402
from flowsim.calibrate.propose import apply_changes  # noqa: E402
from flowsim.calibrate.synthetic import simulated_leads, write_hubspot, write_salesforce  # noqa: E402
from flowsim.io import loads_flow  # noqa: E402
from tests.calibrate.test_calibrate import START, TRUE_FLOW, WRONG_FLOW  # noqa: E402


def main() -> None:
    leads = simulated_leads(loads_flow(TRUE_FLOW), days=180, start=START, seed=3)
    many = (leads * (100_000 // len(leads) + 1))[:100_000]
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        flow = tmp / "wrong.flow.yaml"
        flow.write_text(WRONG_FLOW, encoding="utf-8")
        import scipy.stats  # noqa: F401 - paid once by any process that calibrates; timed apart

        for name, write in (("HubSpot", write_hubspot), ("Salesforce", write_salesforce)):
            path = tmp / f"{name}.csv"
            write(many, str(path))
            start = time.perf_counter()
            with open(path, newline="", encoding="utf-8-sig") as handle:
                rows = sum(1 for _ in csv.reader(handle))
            baseline = time.perf_counter() - start
            start = time.perf_counter()
            _, export, est, changes, _ = calibrate_file(str(flow), str(path))
            seconds = time.perf_counter() - start
            print(f"{name} export, {rows - 1:,} rows ({path.stat().st_size / 1e6:.1f} MB): "
                  f"calibrated in {seconds:.2f} s (target < 10 s); csv.reader alone {baseline:.2f} s, "
                  f"ratio {seconds / baseline:.1f}x")
        small = tmp / "small.csv"
        write_hubspot(leads, str(small))
        loaded, export, est, changes, _ = calibrate_file(str(flow), str(small))
        apply_changes(loaded, changes, est.basis)
        for reps in (20, 60):
            start = time.perf_counter()
            result = backtest(loaded, export, replications=reps, seed=1)
            print(f"backtest of {len(export.records):,} leads over 25 weeks, {reps} replications: "
                  f"{time.perf_counter() - start:.2f} s, {result.coverage():.0%} of weeks inside the band")


if __name__ == "__main__":
    main()
