# The measurement behind docs/metrics.md, "How the counters are kept": the worker's drain statements with and
# without metrics triggers. Usage: python3 bench.py triggers.sql (a trigger per status change) | triggers2.sql (unfinish only)
import sqlite3, time, os, sys
def run(triggers, n=20000, batch=64):
    path = os.path.join(os.environ.get('TMPDIR', '/tmp'), 'offload-metrics-triggers.sqlite')
    for s in ['', '-wal', '-shm']:
        if os.path.exists(path+s): os.remove(path+s)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute('PRAGMA journal_mode=WAL'); db.execute('PRAGMA synchronous=NORMAL')
    db.executescript("""
    CREATE TABLE offload_task (id INTEGER PRIMARY KEY, task_name TEXT NOT NULL, queue_name TEXT NOT NULL, backend TEXT NOT NULL,
      priority INTEGER NOT NULL, status TEXT NOT NULL, arguments TEXT NOT NULL, return_value TEXT, enqueued_at INTEGER NOT NULL,
      run_after INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER, last_attempted_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0,
      max_attempts INTEGER NOT NULL DEFAULT 1, worker_id TEXT, worker_ids TEXT NOT NULL DEFAULT '[]', errors TEXT NOT NULL DEFAULT '[]', attempt_started INTEGER NOT NULL DEFAULT 1);
    CREATE INDEX offload_task_ready ON offload_task (priority DESC, run_after, id) WHERE status = 'PENDING';
    CREATE INDEX offload_task_ready_by_queue ON offload_task (queue_name, priority DESC, run_after, id) WHERE status = 'PENDING';
    CREATE INDEX offload_task_running ON offload_task (worker_id) WHERE status = 'RUNNING';
    CREATE INDEX offload_task_finished ON offload_task (finished_at) WHERE status IN ('SUCCESSFUL', 'FAILED');
    """)
    if triggers: db.executescript(open(sys.argv[1]).read())
    now = int(time.time()*1e6)
    db.execute('BEGIN')
    db.executemany("INSERT INTO offload_task (task_name, queue_name, backend, priority, status, arguments, enqueued_at, run_after) VALUES (?,?,?,?,?,?,?,?)",
        [('benchmark.echo', 'default', 'default', 0, 'PENDING', '[1]', now, now) for _ in range(n)])
    db.execute('COMMIT')
    t0 = time.process_time(); w0 = time.perf_counter()
    claimed = []
    while True:
        db.execute('BEGIN IMMEDIATE')
        for i in claimed:
            db.execute("UPDATE offload_task SET status = 'SUCCESSFUL', return_value = ?, finished_at = ? WHERE id = ? AND status = 'RUNNING' AND worker_id = ?", ('1', now+10, i, 'w1'))
        rows = db.execute("""UPDATE offload_task SET status = 'RUNNING', worker_id = ?, attempts = attempts + 1, last_attempted_at = ?, started_at = COALESCE(started_at, ?),
           worker_ids = CASE WHEN json_valid(worker_ids) THEN json_insert(worker_ids, '$[#]', ?) ELSE worker_ids END, attempt_started = 1
           WHERE id IN (SELECT id FROM offload_task WHERE status = 'PENDING' AND (run_after <= ? OR typeof(run_after) != 'integer') ORDER BY priority DESC, run_after, id LIMIT ?)
           RETURNING id""", ('w1', now+5, now+5, 'w1', now+100, batch)).fetchall()
        db.execute('COMMIT')
        claimed = [r[0] for r in rows]
        if not claimed: break
    cpu = time.process_time()-t0; wall = time.perf_counter()-w0
    if triggers: print(db.execute("select event, sum(count) from offload_counter group by 1").fetchall())
    return cpu/n*1e6, wall/n*1e6
for rep in range(3):
    for trig in [False, True]:
        c, w = run(trig)
        print(f"triggers={trig}: cpu {c:.1f} us/task, wall {w:.1f} us/task")
