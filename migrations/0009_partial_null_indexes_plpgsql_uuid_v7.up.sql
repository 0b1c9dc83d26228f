-- shipd:no-transaction
-- Revision 9 (issue 7, the write path): fewer index entries per insert, cheaper database ids.
-- 1. Indexes over columns a new row leaves NULL hold only the rows that have a value. Every
--    query that reads them compares the column with = (docs/DESIGN.md "Hot SQL" lists each,
--    with its plan), which implies IS NOT NULL, so each still uses its index; the unique keys
--    are as unique as before (NULLs never conflicted). A create then adds no entry to
--    addresses' and parcels' provider-id keys (shipd never writes those columns), to the
--    carrier list index (carrier comes with the purchase) or to the reference index when the
--    request has no reference; nor does any later non-HOT update of such a shipment.
--    Kept whole: shipments_easypost_id_key (the simulated carrier's in-flight query reads
--    `easypost_id IS NULL` through it when most shipments have a provider id) and the
--    tracking-code hash index (a hash index stores no NULLs anyway).
--    Each index is built CONCURRENTLY under a temporary name, the old one dropped, the new one
--    takes its name (as revision 8 did); every statement can run again.
-- 2. uuid_generate_v7() in PL/pgSQL: the same bits from the same one clock reading, but no
--    SQL-function executor per call (a VOLATILE SQL function with a FROM is not inlined).
--    Shipments and their addresses and parcels get ids from shipd; events, idempotency keys,
--    webhook receipts and api keys still take this default, one call a row.
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS addresses_easypost_id_partial
    ON addresses (easypost_id) WHERE easypost_id IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS addresses_easypost_id_key;
ALTER INDEX IF EXISTS addresses_easypost_id_partial RENAME TO addresses_easypost_id_key;

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS parcels_easypost_id_partial
    ON parcels (easypost_id) WHERE easypost_id IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS parcels_easypost_id_key;
ALTER INDEX IF EXISTS parcels_easypost_id_partial RENAME TO parcels_easypost_id_key;

CREATE INDEX CONCURRENTLY IF NOT EXISTS shipments_carrier_created_at_id_partial
    ON shipments (carrier, created_at DESC, id DESC) WHERE carrier IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS shipments_carrier_created_at_id_idx;
ALTER INDEX IF EXISTS shipments_carrier_created_at_id_partial RENAME TO shipments_carrier_created_at_id_idx;

CREATE INDEX CONCURRENTLY IF NOT EXISTS shipments_reference_partial
    ON shipments (reference) WHERE reference IS NOT NULL;
DROP INDEX CONCURRENTLY IF EXISTS shipments_reference_idx;
ALTER INDEX IF EXISTS shipments_reference_partial RENAME TO shipments_reference_idx;

CREATE OR REPLACE FUNCTION uuid_generate_v7() RETURNS uuid
LANGUAGE plpgsql VOLATILE PARALLEL SAFE AS $$
DECLARE
    us bigint := (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
BEGIN
    RETURN encode(
        overlay(
            overlay(uuid_send(gen_random_uuid())
                    PLACING substring(int8send(us / 1000) FROM 3) FROM 1 FOR 6)
            PLACING substring(int4send((28672 | ((us % 1000) * 4096 / 1000))::int) FROM 3)
            FROM 7 FOR 2),
        'hex')::uuid;
END
$$;
