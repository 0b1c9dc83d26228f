-- Revision 1: the seed's initial schema (addresses, parcels, shipments, shipment_events),
-- made correct from the start: timestamptz with server defaults, updated_at kept by a
-- trigger, NOT NULL and CHECK constraints, foreign keys with an explicit ON DELETE.
-- Ids default to gen_random_uuid() here; revision 3 switches every key to uuid_generate_v7().

-- Sets updated_at on every UPDATE that changes the row, whatever the client sends.
CREATE FUNCTION shipd_set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW IS DISTINCT FROM OLD THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

CREATE TABLE addresses (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        varchar(100),
    company     varchar(100),
    street1     varchar(200) NOT NULL,
    street2     varchar(200),
    city        varchar(100) NOT NULL,
    state       varchar(50),
    zip         varchar(20)  NOT NULL,
    country     char(2)      NOT NULL DEFAULT 'US',
    phone       varchar(30),
    email       varchar(100),
    created_at  timestamptz  NOT NULL DEFAULT now(),
    updated_at  timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT addresses_country_iso CHECK (country ~ '^[A-Z]{2}$')
);

-- Dimensions in inches, weight in ounces. `< 'Infinity'` also rejects NaN (NaN sorts above
-- every number in PostgreSQL, so `> 0` alone would let it through).
CREATE TABLE parcels (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    length      double precision,
    width       double precision,
    height      double precision,
    weight      double precision NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT parcels_weight_positive CHECK (weight > 0 AND weight < 'Infinity'::float8),
    CONSTRAINT parcels_length_positive CHECK (length > 0 AND length < 'Infinity'::float8),
    CONSTRAINT parcels_width_positive  CHECK (width  > 0 AND width  < 'Infinity'::float8),
    CONSTRAINT parcels_height_positive CHECK (height > 0 AND height < 'Infinity'::float8)
);

-- Addresses and parcels belong to the shipments that use them: deleting one still in use
-- is refused (RESTRICT); events go with their shipment (CASCADE).
CREATE TABLE shipments (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    status           varchar(30) NOT NULL DEFAULT 'unknown',
    tracking_code    varchar(100),
    from_address_id  uuid NOT NULL REFERENCES addresses (id) ON DELETE RESTRICT,
    to_address_id    uuid NOT NULL REFERENCES addresses (id) ON DELETE RESTRICT,
    parcel_id        uuid NOT NULL REFERENCES parcels (id) ON DELETE RESTRICT,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT shipments_status_known CHECK (status IN (
        'unknown', 'pre_transit', 'in_transit', 'out_for_delivery', 'delivered',
        'available_for_pickup', 'return_to_sender', 'failure', 'cancelled', 'error'))
);

CREATE TABLE shipment_events (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    shipment_id  uuid NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
    status       varchar(30) NOT NULL,
    message      varchar(500),
    occurred_at  timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT shipment_events_status_known CHECK (status IN (
        'unknown', 'pre_transit', 'in_transit', 'out_for_delivery', 'delivered',
        'available_for_pickup', 'return_to_sender', 'failure', 'cancelled', 'error'))
);

CREATE TRIGGER addresses_set_updated_at BEFORE UPDATE ON addresses
    FOR EACH ROW EXECUTE FUNCTION shipd_set_updated_at();
CREATE TRIGGER parcels_set_updated_at BEFORE UPDATE ON parcels
    FOR EACH ROW EXECUTE FUNCTION shipd_set_updated_at();
CREATE TRIGGER shipments_set_updated_at BEFORE UPDATE ON shipments
    FOR EACH ROW EXECUTE FUNCTION shipd_set_updated_at();
