"""The Python side of bench/_harness.ts: warm-up, repetitions, one RESULT line of JSON.

A twin script defines `contender(n) -> dict[str, float]` and calls `main(contender)`.
Times are milliseconds from time.perf_counter_ns().
"""

import argparse
import gc
import json
import sys
import time


def now():
    return time.perf_counter_ns()


def ms_since(t0):
    return (time.perf_counter_ns() - t0) / 1e6


def percentile(xs, p):
    s = sorted(xs)
    if not s:
        return float("nan")
    rank = min(len(s) - 1, max(0, -(-p * len(s) // 100) - 1))
    return s[int(rank)]


def main(contender):
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--reps", type=int, required=True)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args()
    for _ in range(args.warmup):
        gc.collect()
        contender(args.n)
    samples = {}
    for _ in range(args.reps):
        gc.collect()
        for key, value in contender(args.n).items():
            samples.setdefault(key, []).append(value)
    report = {"contender": "cpython", "n": args.n, "samples": samples}
    sys.stdout.write("RESULT " + json.dumps(report) + "\n")
