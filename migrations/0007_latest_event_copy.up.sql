-- Revision 7: a shipment carries a copy of its latest event's columns, so batch-track reads
-- one row per code (one probe of the tracking-code index, one heap page) instead of also
-- probing shipment_events' primary key and fetching the event's heap page (issue 7). The
-- copies are kept by the same statement-level trigger that keeps latest_event_id (revision
-- 6); event deletes and updates (none in shipd itself; ON DELETE CASCADE, an operator's psql)
-- recompute the latest event of the shipments they touch, so a copy never outlives its event.
-- occurred_at is latest_event_at and shipment_id is the shipment's id: not copied.
ALTER TABLE shipments
    ADD COLUMN latest_event_status         varchar(30),
    ADD COLUMN latest_event_status_detail  varchar(100),
    ADD COLUMN latest_event_message        varchar(500),
    ADD COLUMN latest_event_city           varchar(100),
    ADD COLUMN latest_event_state          varchar(50),
    ADD COLUMN latest_event_zip            varchar(20),
    ADD COLUMN latest_event_country        char(2),
    ADD COLUMN latest_event_source         varchar(50);

-- Points each of `touched` at its newest event, or at none (NULL copies, status kept).
CREATE FUNCTION shipd_set_latest_events(touched uuid[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE shipments s
       SET latest_event_id = l.id,
           latest_event_at = l.occurred_at,
           status = coalesce(l.status, s.status),
           latest_event_status = l.status,
           latest_event_status_detail = l.status_detail,
           latest_event_message = l.message,
           latest_event_city = l.city,
           latest_event_state = l.state,
           latest_event_zip = l.zip,
           latest_event_country = l.country,
           latest_event_source = l.source
      FROM unnest(touched) AS t(shipment_id)
      LEFT JOIN LATERAL (SELECT x.id, x.occurred_at, x.status, x.status_detail, x.message,
                                x.city, x.state, x.zip, x.country, x.source
                           FROM shipment_events x
                          WHERE x.shipment_id = t.shipment_id
                          ORDER BY x.occurred_at DESC, x.id DESC
                          LIMIT 1) l ON true
     WHERE s.id = t.shipment_id;
$$;

-- Shipments that already have events take their newest one's columns: the event their
-- latest_event_id names, or, when that event was deleted (nothing kept latest_event_id right
-- after a delete before this revision), the newest remaining one, or none.
SELECT shipd_set_latest_events(ARRAY(SELECT id FROM shipments WHERE latest_event_id IS NOT NULL));

-- Status and source are NOT NULL on events: a latest event has both, no latest event neither.
ALTER TABLE shipments
    ADD CONSTRAINT shipments_latest_event_copy
        CHECK ((latest_event_id IS NULL) = (latest_event_status IS NULL)
               AND (latest_event_id IS NULL) = (latest_event_source IS NULL));

-- Revision 6's function, now also writing the copies.
CREATE OR REPLACE FUNCTION shipd_track_latest_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE shipments s
       SET latest_event_id = n.id,
           latest_event_at = n.occurred_at,
           status = n.status,
           latest_event_status = n.status,
           latest_event_status_detail = n.status_detail,
           latest_event_message = n.message,
           latest_event_city = n.city,
           latest_event_state = n.state,
           latest_event_zip = n.zip,
           latest_event_country = n.country,
           latest_event_source = n.source
      FROM (SELECT DISTINCT ON (shipment_id) shipment_id, id, occurred_at, status,
                   status_detail, message, city, state, zip, country, source
              FROM new_events
             ORDER BY shipment_id, occurred_at DESC, id DESC) n
     WHERE s.id = n.shipment_id
       AND (s.latest_event_at IS NULL
            OR (n.occurred_at, n.id) > (s.latest_event_at, s.latest_event_id));
    RETURN NULL;
END
$$;

-- After a DELETE or an UPDATE of events: every shipment whose latest event was deleted, and
-- every shipment of an updated event (old or new version), points again at its newest event,
-- or at none (NULL copies, status kept). Events are append-only in shipd; this covers ON
-- DELETE CASCADE (the shipment goes too) and an operator's psql.
CREATE FUNCTION shipd_recompute_latest_events() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    touched uuid[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        touched := ARRAY(SELECT s.id FROM shipments s JOIN old_events o
                            ON o.shipment_id = s.id AND o.id = s.latest_event_id);
    ELSE
        touched := ARRAY(SELECT shipment_id FROM old_events
                         UNION SELECT shipment_id FROM new_events);
    END IF;
    PERFORM shipd_set_latest_events(touched);
    RETURN NULL;
END
$$;

CREATE TRIGGER shipment_events_recompute_latest_after_delete AFTER DELETE ON shipment_events
    REFERENCING OLD TABLE AS old_events
    FOR EACH STATEMENT EXECUTE FUNCTION shipd_recompute_latest_events();

CREATE TRIGGER shipment_events_recompute_latest_after_update AFTER UPDATE ON shipment_events
    REFERENCING OLD TABLE AS old_events NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION shipd_recompute_latest_events();
