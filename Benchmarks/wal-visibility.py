#!/usr/bin/env python3
# When does inotify report a commit on the -wal file, relative to when the commit becomes visible to a reader?
# (docs/performance.md, "Wake-ups": the instrument behind the fix.) Uses the system's libsqlite3 through Python.
#
#   python3 Benchmarks/wal-visibility.py FULL|NORMAL DIRECTORY COMMITS [announce]
#
# For each commit (20 ms apart) a writer thread inserts one row; the main thread waits for the first inotify
# event naming the -wal file (IN_MODIFY: the frames being written; with "announce", only IN_ATTRIB: the touch
# Offload's store makes once the commit returned), then counts the rows. It prints how many commits were not
# yet visible at that event, and how long after the event they became visible.
import ctypes, os, select, sqlite3, struct, sys, threading, time

mode, directory, commits = sys.argv[1], sys.argv[2], int(sys.argv[3])
announce = len(sys.argv) > 4
path = os.path.join(directory, f"wal-visibility-{mode}.sqlite3")
for suffix in ("", "-wal", "-shm"):
    try: os.unlink(path + suffix)
    except FileNotFoundError: pass
writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
writer.execute("PRAGMA journal_mode=WAL")
writer.execute(f"PRAGMA synchronous={mode}")
writer.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)")
reader = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
libc = ctypes.CDLL("libc.so.6", use_errno=True)
fd = libc.inotify_init1(os.O_NONBLOCK)
IN_MODIFY, IN_ATTRIB, IN_MOVED_TO, IN_CREATE = 0x2, 0x4, 0x80, 0x100
libc.inotify_add_watch(fd, directory.encode(), IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_MOVED_TO)
wal_name = os.path.basename(path) + "-wal"

def rows(): return reader.execute("SELECT count(*) FROM t").fetchone()[0]

def commit():
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO t(v) VALUES (?)", ("x" * 100,))
    writer.execute("COMMIT")
    if announce: os.utime(path + "-wal")

invisible, delays = 0, []
for _ in range(commits):
    time.sleep(0.02)
    before = rows()
    thread = threading.Thread(target=commit); thread.start()
    first = None
    while first is None:
        select.select([fd], [], [], 1)
        buffer = os.read(fd, 65536)
        offset = 0
        while offset < len(buffer):
            _, mask, _, length = struct.unpack_from("iIII", buffer, offset)
            name = buffer[offset + 16:offset + 16 + length].rstrip(b"\0").decode()
            if name == wal_name and first is None and (not announce or mask & IN_ATTRIB): first = time.monotonic()
            offset += 16 + length
    if rows() == before:
        invisible += 1
        while rows() == before: time.sleep(0.0002)
        delays.append((time.monotonic() - first) * 1000)
    thread.join()
    time.sleep(0.002)
    try:
        while os.read(fd, 65536): pass
    except BlockingIOError: pass
delays.sort()
print(f"synchronous={mode}{' with announce' if announce else ''}: {commits} commits; not yet visible at the event: {invisible}; "
      f"visible after: p50 {delays[len(delays) // 2] if delays else 0:.2f} ms, max {max(delays) if delays else 0:.2f} ms")
