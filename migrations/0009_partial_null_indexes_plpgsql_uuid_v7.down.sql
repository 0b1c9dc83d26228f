-- shipd:no-transaction
-- Revision 9 down: uuid_generate_v7() as revision 3 made it, and the four indexes whole again
-- under their names (each built before the partial one is dropped). Every statement can run
-- again.
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

CREATE INDEX CONCURRENTLY IF NOT EXISTS shipments_reference_whole
    ON shipments (reference);
DROP INDEX CONCURRENTLY IF EXISTS shipments_reference_idx;
ALTER INDEX IF EXISTS shipments_reference_whole RENAME TO shipments_reference_idx;

CREATE INDEX CONCURRENTLY IF NOT EXISTS shipments_carrier_created_at_id_whole
    ON shipments (carrier, created_at DESC, id DESC);
DROP INDEX CONCURRENTLY IF EXISTS shipments_carrier_created_at_id_idx;
ALTER INDEX IF EXISTS shipments_carrier_created_at_id_whole RENAME TO shipments_carrier_created_at_id_idx;

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS parcels_easypost_id_whole
    ON parcels (easypost_id);
DROP INDEX CONCURRENTLY IF EXISTS parcels_easypost_id_key;
ALTER INDEX IF EXISTS parcels_easypost_id_whole RENAME TO parcels_easypost_id_key;

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS addresses_easypost_id_whole
    ON addresses (easypost_id);
DROP INDEX CONCURRENTLY IF EXISTS addresses_easypost_id_key;
ALTER INDEX IF EXISTS addresses_easypost_id_whole RENAME TO addresses_easypost_id_key;
