-- Revision 7 down: revision 6's trigger function again, without the copies; no delete or
-- update triggers; the copied columns dropped.
DROP TRIGGER shipment_events_recompute_latest_after_update ON shipment_events;
DROP TRIGGER shipment_events_recompute_latest_after_delete ON shipment_events;
DROP FUNCTION shipd_recompute_latest_events();
DROP FUNCTION shipd_set_latest_events(uuid[]);

CREATE OR REPLACE FUNCTION shipd_track_latest_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE shipments s
       SET latest_event_id = n.id,
           latest_event_at = n.occurred_at,
           status = n.status
      FROM (SELECT DISTINCT ON (shipment_id) shipment_id, id, occurred_at, status
              FROM new_events
             ORDER BY shipment_id, occurred_at DESC, id DESC) n
     WHERE s.id = n.shipment_id
       AND (s.latest_event_at IS NULL
            OR (n.occurred_at, n.id) > (s.latest_event_at, s.latest_event_id));
    RETURN NULL;
END
$$;

ALTER TABLE shipments
    DROP CONSTRAINT shipments_latest_event_copy,
    DROP COLUMN latest_event_status,
    DROP COLUMN latest_event_status_detail,
    DROP COLUMN latest_event_message,
    DROP COLUMN latest_event_city,
    DROP COLUMN latest_event_state,
    DROP COLUMN latest_event_zip,
    DROP COLUMN latest_event_country,
    DROP COLUMN latest_event_source;
