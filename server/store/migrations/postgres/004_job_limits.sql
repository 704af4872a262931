-- Long jobs (issue 12.1): a progress-tracked job the dock accepted gets a new deadline on its
-- accepting reply and on each progress event; these say which limit that deadline stands for, so
-- the sweeper writes the right failure_code / failure_reason. NULL = the reply limit
-- (timeout_seconds), as for every row written before this migration.
ALTER TABLE commands ADD COLUMN deadline_code text;    -- 'TIMED_OUT' | 'PROGRESS_SILENCE' | 'MAX_DURATION_EXCEEDED'
ALTER TABLE commands ADD COLUMN deadline_reason text;
