-- shipd:no-transaction
-- Revision 3 down: drops its indexes CONCURRENTLY, restores gen_random_uuid() defaults,
-- drops uuid_generate_v7(). Every statement can run again after a failure.
DROP INDEX CONCURRENTLY IF EXISTS idempotency_keys_expires_at_idx;
DROP INDEX CONCURRENTLY IF EXISTS shipment_events_dedupe_key;
DROP INDEX CONCURRENTLY IF EXISTS shipments_reference_idx;
DROP INDEX CONCURRENTLY IF EXISTS shipments_carrier_created_at_id_idx;
DROP INDEX CONCURRENTLY IF EXISTS shipments_status_created_at_id_idx;
DROP INDEX CONCURRENTLY IF EXISTS shipments_created_at_id_idx;
DROP INDEX CONCURRENTLY IF EXISTS shipments_tracking_code_idx;
DROP INDEX CONCURRENTLY IF EXISTS parcels_easypost_id_key;
DROP INDEX CONCURRENTLY IF EXISTS addresses_easypost_id_key;
DROP INDEX CONCURRENTLY IF EXISTS shipments_easypost_id_key;

ALTER TABLE webhook_receipts ALTER COLUMN id SET DEFAULT gen_random_uuid();
ALTER TABLE idempotency_keys ALTER COLUMN id SET DEFAULT gen_random_uuid();
ALTER TABLE api_keys         ALTER COLUMN id SET DEFAULT gen_random_uuid();
ALTER TABLE shipment_events  ALTER COLUMN id SET DEFAULT gen_random_uuid();
ALTER TABLE shipments        ALTER COLUMN id SET DEFAULT gen_random_uuid();
ALTER TABLE parcels          ALTER COLUMN id SET DEFAULT gen_random_uuid();
ALTER TABLE addresses        ALTER COLUMN id SET DEFAULT gen_random_uuid();

DROP FUNCTION IF EXISTS uuid_generate_v7();
