"""A fork server for the kill-during-save test: ``python saver.py TARGET [named]``.

For each line ``go`` on stdin it forks a child that saves two flows over TARGET in turn,
as fast as it can, until it is killed; it prints the child's pid once the child is inside
its first save, and reaps it when told ``reap``. Forking from this small, single-threaded
process costs a millisecond, so a test can run hundreds of trials.
"""

import os
import sys

from flowsim.io import atomic, loads_flow, save_flow
from tests.flows import VALID


def main() -> None:
    target = sys.argv[1]
    if len(sys.argv) > 2 and sys.argv[2] == "named":
        atomic._USE_TMPFILE = False  # the fallback of systems without unnamed files
    first = loads_flow(VALID)
    second = loads_flow(VALID)
    second.set_node("ads", "label", "Changed by the saver " * 20)
    for line in sys.stdin:
        if line.strip() == "go":
            ready, tell = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(ready)
                os.write(tell, b"!")
                while True:
                    save_flow(second, target)
                    save_flow(first, target)
            os.close(tell)
            os.read(ready, 1)
            os.close(ready)
            print(pid, flush=True)
        elif line.startswith("reap"):
            os.waitpid(int(line.split()[1]), 0)
            print("reaped", flush=True)


if __name__ == "__main__":
    main()
