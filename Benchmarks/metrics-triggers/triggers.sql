CREATE TABLE offload_counter (
    queue_name TEXT NOT NULL,
    task_name TEXT NOT NULL,
    event TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    count INTEGER NOT NULL DEFAULT 0,
    sum_micros INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (queue_name, task_name, event, bucket)
) WITHOUT ROWID;
CREATE TRIGGER offload_count_enqueued AFTER INSERT ON offload_task
BEGIN
    INSERT INTO offload_counter (queue_name, task_name, event, bucket, count) VALUES (NEW.queue_name, NEW.task_name, 'enqueued', -1, 1)
    ON CONFLICT DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER offload_count_started AFTER UPDATE OF status ON offload_task
WHEN OLD.status = 'PENDING' AND NEW.status = 'RUNNING' AND OLD.started_at IS NULL
BEGIN
    INSERT INTO offload_counter (queue_name, task_name, event, bucket, count, sum_micros)
    SELECT NEW.queue_name, NEW.task_name, 'wait', b, 1, d FROM (SELECT
        CASE WHEN d <= 5000 THEN 0 WHEN d <= 25000 THEN 1 WHEN d <= 100000 THEN 2 WHEN d <= 250000 THEN 3
             WHEN d <= 1000000 THEN 4 WHEN d <= 2500000 THEN 5 WHEN d <= 10000000 THEN 6 WHEN d <= 60000000 THEN 7
             WHEN d <= 300000000 THEN 8 WHEN d <= 3600000000 THEN 9 ELSE 10 END AS b, d
        FROM (SELECT CASE WHEN typeof(NEW.last_attempted_at) = 'integer' AND typeof(NEW.enqueued_at) = 'integer'
              THEN max(0, min(NEW.last_attempted_at - NEW.enqueued_at, 1000000000000)) ELSE 0 END AS d))
    WHERE true
    ON CONFLICT DO UPDATE SET count = count + 1, sum_micros = min(sum_micros + excluded.sum_micros, 9000000000000000000);
END;
CREATE TRIGGER offload_count_finished AFTER UPDATE OF status ON offload_task
WHEN OLD.status = 'RUNNING' AND NEW.status IN ('SUCCESSFUL', 'FAILED')
BEGIN
    INSERT INTO offload_counter (queue_name, task_name, event, bucket, count, sum_micros)
    SELECT NEW.queue_name, NEW.task_name, CASE NEW.status WHEN 'SUCCESSFUL' THEN 'succeeded' ELSE 'failed' END, b, 1, d FROM (SELECT
        CASE WHEN d <= 5000 THEN 0 WHEN d <= 25000 THEN 1 WHEN d <= 100000 THEN 2 WHEN d <= 250000 THEN 3
             WHEN d <= 1000000 THEN 4 WHEN d <= 2500000 THEN 5 WHEN d <= 10000000 THEN 6 WHEN d <= 60000000 THEN 7
             WHEN d <= 300000000 THEN 8 WHEN d <= 3600000000 THEN 9 ELSE 10 END AS b, d
        FROM (SELECT CASE WHEN typeof(NEW.finished_at) = 'integer' AND typeof(NEW.last_attempted_at) = 'integer'
              THEN max(0, min(NEW.finished_at - NEW.last_attempted_at, 1000000000000)) ELSE 0 END AS d))
    WHERE true
    ON CONFLICT DO UPDATE SET count = count + 1, sum_micros = min(sum_micros + excluded.sum_micros, 9000000000000000000);
END;
