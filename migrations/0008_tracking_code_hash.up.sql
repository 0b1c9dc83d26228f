-- shipd:no-transaction
-- Revision 8: the tracking-code index becomes a hash index (same name). Every use of it is an
-- equality (batch-track's probe per code, the list filter, webhook matching); a hash probe
-- reads the bucket page and compares one 32-bit hash, where the B-tree descended three levels
-- comparing text at each. Measured on batch-track of 100 codes (bench/RESULTS.md, session
-- 3): about a fifth less backend CPU per statement. Built CONCURRENTLY (writes go on), then
-- the B-tree is dropped and the new index takes its name; every statement can run again.
CREATE INDEX CONCURRENTLY IF NOT EXISTS shipments_tracking_code_hash
    ON shipments USING hash (tracking_code);
DROP INDEX CONCURRENTLY IF EXISTS shipments_tracking_code_idx;
ALTER INDEX IF EXISTS shipments_tracking_code_hash RENAME TO shipments_tracking_code_idx;
