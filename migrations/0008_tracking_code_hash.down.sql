-- shipd:no-transaction
-- Revision 8 down: the B-tree of revision 3 again, under its name. Every statement can run
-- again.
CREATE INDEX CONCURRENTLY IF NOT EXISTS shipments_tracking_code_btree
    ON shipments (tracking_code);
DROP INDEX CONCURRENTLY IF EXISTS shipments_tracking_code_idx;
ALTER INDEX IF EXISTS shipments_tracking_code_btree RENAME TO shipments_tracking_code_idx;
