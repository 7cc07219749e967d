#!/usr/bin/env python3
"""Times commands in turn, round after round, so a machine's changing load
falls on all of them alike (hyperfine runs all of one command first).

Usage: benches/interleave.py ROUNDS OUTDIR NAME=COMMAND [NAME=COMMAND ...]

OUT in a command becomes OUTDIR/out-NAME. Round 0 is a warm-up and is not
counted. Prints each command's median, min and max wall time, and the ratio
of the second command's median to the first's. Exit codes 0 and 1 (a build
with findings) count as success.
"""
import os
import statistics
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    rounds, base = int(sys.argv[1]), sys.argv[2]
    cmds = [arg.split("=", 1) for arg in sys.argv[3:]]
    times = {name: [] for name, _ in cmds}
    for r in range(rounds + 1):
        for name, cmd in cmds:
            cmd = cmd.replace("OUT", os.path.join(base, "out-" + name))
            t0 = time.perf_counter()
            rc = subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL).returncode
            elapsed = time.perf_counter() - t0
            if rc not in (0, 1):
                sys.exit(f"{name} failed with exit code {rc}: {cmd}")
            if r > 0:
                times[name].append(elapsed)
    for name, _ in cmds:
        v = times[name]
        print(f"{name}: median {statistics.median(v) * 1000:.0f} ms  "
              f"min {min(v) * 1000:.0f}  max {max(v) * 1000:.0f}  n={len(v)}")
    if len(cmds) >= 2:
        a, b = (statistics.median(times[name]) for name, _ in cmds[:2])
        print(f"ratio {cmds[1][0]}/{cmds[0][0]} = {b / a:.3f}")


if __name__ == "__main__":
    main()
