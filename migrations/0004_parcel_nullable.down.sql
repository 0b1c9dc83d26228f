-- Revision 4 down: parcel_id NOT NULL again; refused with a clear message while any
-- shipment has no parcel (nothing is deleted on the way down).
DO $$
DECLARE
    missing bigint;
BEGIN
    SELECT count(*) INTO missing FROM shipments WHERE parcel_id IS NULL;
    IF missing > 0 THEN
        RAISE EXCEPTION 'cannot make shipments.parcel_id NOT NULL: % shipments have no parcel', missing
            USING HINT = 'give those shipments a parcel or delete them, then run the down again';
    END IF;
END
$$;
ALTER TABLE shipments ALTER COLUMN parcel_id SET NOT NULL;
