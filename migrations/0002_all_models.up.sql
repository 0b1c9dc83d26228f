-- Revision 2: every model of the API. Shipments gain rates, the selected rate (as jsonb and
-- as numeric money for analytics), carrier and service, tracking details, label URL,
-- reference, provider id, and a reference to their newest event (kept by a trigger, so
-- batch-track reads one row per code); events gain detail, location and source; api keys
-- (stored hashed), idempotency keys and webhook receipts appear.

ALTER TABLE addresses
    ADD COLUMN easypost_id varchar(50),
    ADD COLUMN residential boolean;

ALTER TABLE parcels
    ADD COLUMN easypost_id varchar(50),
    ADD COLUMN predefined_package varchar(50);

ALTER TABLE shipments
    ADD COLUMN reference         varchar(100),
    ADD COLUMN easypost_id       varchar(50),
    ADD COLUMN rates             jsonb,
    ADD COLUMN selected_rate     jsonb,
    ADD COLUMN carrier           varchar(50),
    ADD COLUMN service           varchar(100),
    ADD COLUMN rate_amount       numeric(12, 2),
    ADD COLUMN rate_currency     char(3),
    ADD COLUMN label_url         text,
    ADD COLUMN tracking_details  jsonb,
    ADD COLUMN purchased_at      timestamptz,
    ADD COLUMN latest_event_id   uuid,
    ADD COLUMN latest_event_at   timestamptz,
    ADD CONSTRAINT shipments_rates_array
        CHECK (jsonb_typeof(rates) = 'array'),
    ADD CONSTRAINT shipments_selected_rate_object
        CHECK (jsonb_typeof(selected_rate) = 'object'),
    ADD CONSTRAINT shipments_tracking_details_array
        CHECK (jsonb_typeof(tracking_details) = 'array'),
    ADD CONSTRAINT shipments_service_needs_carrier
        CHECK (service IS NULL OR carrier IS NOT NULL),
    ADD CONSTRAINT shipments_rate_amount_nonnegative
        CHECK (rate_amount >= 0),
    ADD CONSTRAINT shipments_rate_currency_iso
        CHECK (rate_currency ~ '^[A-Z]{3}$'),
    ADD CONSTRAINT shipments_rate_amount_with_currency
        CHECK ((rate_amount IS NULL) = (rate_currency IS NULL)),
    ADD CONSTRAINT shipments_latest_event_pair
        CHECK ((latest_event_id IS NULL) = (latest_event_at IS NULL));

ALTER TABLE shipment_events
    ADD COLUMN status_detail     varchar(100),
    ADD COLUMN city              varchar(100),
    ADD COLUMN state             varchar(50),
    ADD COLUMN zip               varchar(20),
    ADD COLUMN country           char(2),
    ADD COLUMN source            varchar(50) NOT NULL DEFAULT 'api',
    ADD COLUMN webhook_event_id  varchar(100),
    ADD CONSTRAINT shipment_events_country_iso CHECK (country ~ '^[A-Z]{2}$'),
    ADD CONSTRAINT shipment_events_source_nonempty CHECK (source <> '');

-- Events are append-only. After each insert, the shipment points at its newest event by
-- (occurred_at, id) and takes that event's status, whatever the arrival order; the row
-- lock of the UPDATE serialises concurrent appends to one shipment.
CREATE FUNCTION shipd_track_latest_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE shipments s
       SET latest_event_id = NEW.id,
           latest_event_at = NEW.occurred_at,
           status = NEW.status
     WHERE s.id = NEW.shipment_id
       AND (s.latest_event_at IS NULL
            OR (NEW.occurred_at, NEW.id) > (s.latest_event_at, s.latest_event_id));
    RETURN NULL;
END
$$;

CREATE TRIGGER shipment_events_track_latest AFTER INSERT ON shipment_events
    FOR EACH ROW EXECUTE FUNCTION shipd_track_latest_event();

-- Shipments that already have events (the seed's data) point at their newest one.
UPDATE shipments s
   SET latest_event_id = e.id, latest_event_at = e.occurred_at, status = e.status
  FROM (SELECT DISTINCT ON (shipment_id) shipment_id, id, occurred_at, status
          FROM shipment_events
         ORDER BY shipment_id, occurred_at DESC, id DESC) e
 WHERE e.shipment_id = s.id;

-- key_hash: SHA-256 of the key (32 bytes); the key itself is shown once and never stored.
-- key_prefix: the first characters of the key, for `shipd keys list`.
CREATE TABLE api_keys (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name          varchar(100) NOT NULL,
    key_hash      bytea NOT NULL,
    key_prefix    varchar(16) NOT NULL,
    is_admin      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz,
    last_used_at  timestamptz,
    CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash),
    CONSTRAINT api_keys_key_hash_sha256 CHECK (octet_length(key_hash) = 32),
    CONSTRAINT api_keys_name_nonempty CHECK (name <> '')
);

-- One row per (api key, Idempotency-Key). Inserted before the work starts with no response
-- (so a concurrent retry finds it and waits or conflicts), completed with the response.
-- request_hash: SHA-256 of method, path and body; response_body: the exact bytes sent.
CREATE TABLE idempotency_keys (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    api_key_id       uuid NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    key              varchar(255) NOT NULL,
    request_hash     bytea NOT NULL,
    response_status  smallint,
    response_body    text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    completed_at     timestamptz,
    expires_at       timestamptz NOT NULL DEFAULT now() + interval '24 hours',
    CONSTRAINT idempotency_keys_api_key_id_key_key UNIQUE (api_key_id, key),
    CONSTRAINT idempotency_keys_key_nonempty CHECK (key <> ''),
    CONSTRAINT idempotency_keys_response_status_http CHECK (response_status BETWEEN 100 AND 599),
    CONSTRAINT idempotency_keys_completed_pair
        CHECK ((response_status IS NULL) = (completed_at IS NULL)),
    CONSTRAINT idempotency_keys_expiry_after_creation CHECK (expires_at > created_at)
);

-- Every webhook delivery that passed its signature check, once per EasyPost event id
-- (at-least-once delivery: a repeat hits the unique key and is acknowledged).
-- outcome: what shipd did with it (e.g. 'applied', 'unknown_tracking_code', 'ignored_type').
CREATE TABLE webhook_receipts (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id     varchar(100) NOT NULL,
    event_type   varchar(100),
    received_at  timestamptz NOT NULL DEFAULT now(),
    outcome      varchar(50),
    payload      jsonb NOT NULL,
    CONSTRAINT webhook_receipts_event_id_key UNIQUE (event_id),
    CONSTRAINT webhook_receipts_event_id_nonempty CHECK (event_id <> '')
);
