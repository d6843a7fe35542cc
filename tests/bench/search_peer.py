#!/usr/bin/python3
"""Peer for bench_search: numpy brute-force top-10 over N random normalised float32 vectors.

Per query: scores = M @ q (OpenBLAS sgemv, its own threads), np.argpartition for the 10 best, then
a sort of those 10 -- the usual numpy way (rclip scores the same way and sorts everything).
Usage: search_peer.py DIM QUERIES N [N ...]
Prints one JSON object: {"numpy": "...", "ms": {"N": median ms per query, ...}}.
"""
import json
import sys
import time

import numpy as np


def main():
    dim, queries = int(sys.argv[1]), int(sys.argv[2])
    sizes = [int(a) for a in sys.argv[3:]]
    rng = np.random.default_rng(7)
    result = {"numpy": np.__version__, "ms": {}}
    for n in sizes:
        m = rng.standard_normal((n, dim), dtype=np.float32)
        m /= np.linalg.norm(m, axis=1, keepdims=True)
        qs = rng.standard_normal((queries, dim), dtype=np.float32)
        qs /= np.linalg.norm(qs, axis=1, keepdims=True)
        times = []
        for i in range(queries + 2):
            q = qs[i % queries]
            t0 = time.perf_counter()
            scores = m @ q
            top = np.argpartition(-scores, 10)[:10]
            top = top[np.argsort(-scores[top])]
            t1 = time.perf_counter()
            if i >= 2:  # two warm-up queries
                times.append(t1 - t0)
        result["ms"][str(n)] = 1000.0 * float(np.median(times))
        del m
    print(json.dumps(result))


if __name__ == "__main__":
    main()
