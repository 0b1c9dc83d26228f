-- Revision 6: the shipment's latest event is kept by one UPDATE per INSERT statement, not one
-- per inserted row. A bulk insert of 5,000 events for 1,000 shipments did 5,000 updates of
-- shipment rows (5 new versions of each, in every index) and slowed down as the table grew;
-- now it does at most 1,000, one per shipment, with the newest of its new events. Concurrent
-- appends to one shipment stay serialised by the UPDATE's row lock, and the condition is
-- re-checked against the row as another transaction left it (READ COMMITTED).
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

DROP TRIGGER shipment_events_track_latest ON shipment_events;

CREATE TRIGGER shipment_events_track_latest AFTER INSERT ON shipment_events
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION shipd_track_latest_events();
