-- Revision 2 down: drops what revision 2 added (the latest-event data goes with its columns).
DROP TABLE webhook_receipts;
DROP TABLE idempotency_keys;
DROP TABLE api_keys;

DROP TRIGGER shipment_events_track_latest ON shipment_events;
DROP FUNCTION shipd_track_latest_event();

ALTER TABLE shipment_events
    DROP COLUMN webhook_event_id,
    DROP COLUMN source,
    DROP COLUMN country,
    DROP COLUMN zip,
    DROP COLUMN state,
    DROP COLUMN city,
    DROP COLUMN status_detail;

ALTER TABLE shipments
    DROP COLUMN latest_event_at,
    DROP COLUMN latest_event_id,
    DROP COLUMN purchased_at,
    DROP COLUMN tracking_details,
    DROP COLUMN label_url,
    DROP COLUMN rate_currency,
    DROP COLUMN rate_amount,
    DROP COLUMN service,
    DROP COLUMN carrier,
    DROP COLUMN selected_rate,
    DROP COLUMN rates,
    DROP COLUMN easypost_id,
    DROP COLUMN reference;

ALTER TABLE parcels
    DROP COLUMN predefined_package,
    DROP COLUMN easypost_id;

ALTER TABLE addresses
    DROP COLUMN residential,
    DROP COLUMN easypost_id;
