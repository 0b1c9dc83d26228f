-- shipd:no-transaction
-- Revision 3: time-ordered UUID v7 ids made by the database, and an index for every lookup
-- the API makes. Non-transactional so the indexes are built CONCURRENTLY (writes to a
-- live table go on). Every statement can run again: after a failure, drop any INVALID
-- index the failure left (the error message lists the commands) and run `migrate up`.

-- RFC 9562 UUID version 7: 48-bit Unix time in milliseconds, version 7, 12 bits of
-- sub-millisecond time (method 3, so ids of one session sort even within a millisecond),
-- variant 10, 62 random bits. Starts from a v4 UUID, whose variant bits are already 10.
CREATE OR REPLACE FUNCTION uuid_generate_v7() RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
    SELECT encode(
        overlay(
            overlay(uuid_send(gen_random_uuid())
                    PLACING substring(int8send(t.us / 1000) FROM 3) FROM 1 FOR 6)
            PLACING substring(int4send((28672 | ((t.us % 1000) * 4096 / 1000))::int) FROM 3)
            FROM 7 FOR 2),
        'hex')::uuid
    FROM (SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint AS us) AS t
$$;

COMMENT ON FUNCTION uuid_generate_v7() IS
    'RFC 9562 UUID version 7 (Unix ms, 12-bit sub-ms fraction, random); default of every primary key';

ALTER TABLE addresses        ALTER COLUMN id SET DEFAULT uuid_generate_v7();
ALTER TABLE parcels          ALTER COLUMN id SET DEFAULT uuid_generate_v7();
ALTER TABLE shipments        ALTER COLUMN id SET DEFAULT uuid_generate_v7();
ALTER TABLE shipment_events  ALTER COLUMN id SET DEFAULT uuid_generate_v7();
ALTER TABLE api_keys         ALTER COLUMN id SET DEFAULT uuid_generate_v7();
ALTER TABLE idempotency_keys ALTER COLUMN id SET DEFAULT uuid_generate_v7();
ALTER TABLE webhook_receipts ALTER COLUMN id SET DEFAULT uuid_generate_v7();

-- Provider ids are unique where present.
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS shipments_easypost_id_key
    ON shipments (easypost_id);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS addresses_easypost_id_key
    ON addresses (easypost_id);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS parcels_easypost_id_key
    ON parcels (easypost_id);

-- Batch-track, the tracking_code filter and webhook matching.
CREATE INDEX CONCURRENTLY IF NOT EXISTS shipments_tracking_code_idx
    ON shipments (tracking_code);

-- GET /v1/shipments: newest first, keyset pages on (created_at, id); the filtered variants
-- keep the same order so a filtered page is an index range scan too.
CREATE INDEX CONCURRENTLY IF NOT EXISTS shipments_created_at_id_idx
    ON shipments (created_at DESC, id DESC);
CREATE INDEX CONCURRENTLY IF NOT EXISTS shipments_status_created_at_id_idx
    ON shipments (status, created_at DESC, id DESC);
CREATE INDEX CONCURRENTLY IF NOT EXISTS shipments_carrier_created_at_id_idx
    ON shipments (carrier, created_at DESC, id DESC);
CREATE INDEX CONCURRENTLY IF NOT EXISTS shipments_reference_idx
    ON shipments (reference);

-- A repeated event (same shipment, occurred_at, status and message) is absorbed:
-- INSERT ... ON CONFLICT (shipment_id, occurred_at, status, message) DO NOTHING.
-- NULLS NOT DISTINCT: two repeats without a message are repeats too. Its leading columns
-- also serve the events of a shipment by time, so no second index is kept for that.
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS shipment_events_dedupe_key
    ON shipment_events (shipment_id, occurred_at, status, message) NULLS NOT DISTINCT;

-- Purge of expired idempotency keys.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idempotency_keys_expires_at_idx
    ON idempotency_keys (expires_at);
