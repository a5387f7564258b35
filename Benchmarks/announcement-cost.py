#!/usr/bin/env python3
"""What a commit announcement costs a stream of single-row commits (issue 13: lone enqueue).

    python3 Benchmarks/announcement-cost.py FULL|NORMAL DIR [COMMITS_PER_ROUND] [ROUNDS]

Commits one row per transaction into DIR/announce.sqlite3 (WAL mode, system SQLite), in rounds that
alternate three variants so that a shared machine's load drift hits all three alike:
  none        the commit alone;
  utimensat   then touch the WAL's times (the announcement until 27 November 2026: IN_ATTRIB);
  open-close  then open the WAL read-only and close it (the announcement since: IN_CLOSE_NOWRITE).
Prints each variant's median rate over the rounds and its ratio to `none`.
"""
import os, sqlite3, statistics, sys, time

mode, directory = sys.argv[1].upper(), sys.argv[2]
per_round = int(sys.argv[3]) if len(sys.argv) > 3 else (300 if mode == "FULL" else 3000)
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 5
path = os.path.join(directory, "announce.sqlite3")
wal = path + "-wal"

def touch():
    os.utime(wal, None, follow_symlinks=False)

def open_close():
    fd = os.open(wal, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY)
    os.close(fd)

variants = {"none": None, "utimensat": touch, "open-close": open_close}
rates = {name: [] for name in variants}
for round_ in range(rounds):
    for name, announce in variants.items():
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix): os.remove(path + suffix)
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA synchronous={mode}")
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)")
        start = time.perf_counter()
        for i in range(per_round):
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO t (payload) VALUES (?)", ("x" * 64,))
            db.execute("COMMIT")
            if announce: announce()
        rates[name].append(per_round / (time.perf_counter() - start))
        db.close()
base = statistics.median(rates["none"])
for name, values in rates.items():
    median = statistics.median(values)
    print(f"{mode} {name:10s} {median:9.0f} commits/s  {median / base:5.2f}x none  rounds: {', '.join(f'{v:.0f}' for v in values)}")
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(path + suffix): os.remove(path + suffix)
