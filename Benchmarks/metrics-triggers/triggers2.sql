CREATE TABLE offload_counter (
    queue_name TEXT NOT NULL, task_name TEXT NOT NULL, event TEXT NOT NULL, bucket INTEGER NOT NULL,
    count INTEGER NOT NULL DEFAULT 0, sum_micros INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (queue_name, task_name, event, bucket)) WITHOUT ROWID;
CREATE TRIGGER offload_carry_unfinished AFTER UPDATE OF status ON offload_task
WHEN OLD.status IN ('SUCCESSFUL', 'FAILED') AND NEW.status NOT IN ('SUCCESSFUL', 'FAILED')
BEGIN
    INSERT INTO offload_counter (queue_name, task_name, event, bucket, count) VALUES (NEW.queue_name, NEW.task_name, OLD.status, -1, 1)
    ON CONFLICT DO UPDATE SET count = count + 1;
END;
