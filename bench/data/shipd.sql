-- Benchmark data for shipd, at the seed peer's shape and size (../shared/peers/seed-fastapi/gen.py):
-- N shipments (psql variable :n), 2 addresses and 1 parcel each, 5 tracking events each, the
-- peer's deterministic tracking codes 'TRK' || lpad(n, 10, '0'). Every shipment is purchased
-- (3 rates, one selected, carrier, service, money, label) so GET answers a realistic body.
--   psql -v ON_ERROR_STOP=1 -v n=100000 -f bench/data/shipd.sql   (after `shipd migrate up`)
--
-- Set-based (INSERT ... SELECT FROM generate_series), run as a superuser on the benchmark's
-- throwaway cluster. Ids are deterministic UUID v7 (48-bit Unix ms of created_at, version 7,
-- 12 bits naming the table, variant 10, n in the last 60 bits), so they rise with n and
-- every index insert is an append, as shipd's own uuid_generate_v7() ids are.
--
-- Triggers: session_replication_role = replica switches off ordinary triggers (the foreign
-- key checks and migration 6's shipment_events_track_latest) for this session only. The
-- data is consistent by construction: each shipment's latest_event_id / latest_event_at /
-- status and the copies of its latest event's columns (migration 7) name its 5th event (the
-- newest by occurred_at), exactly what the trigger would set; the check at the end proves
-- it on a sample. With the trigger on, one statement of 5N events would make it sort 5N rows
-- and rewrite every shipment row (N dead tuples).

\set ON_ERROR_STOP on
SET session_replication_role = replica;
SET synchronous_commit = off;
SET maintenance_work_mem = '256MB';
SET work_mem = '64MB';

-- A deterministic UUID v7: ms since the epoch, table tag (3 hex digits), n.
CREATE FUNCTION pg_temp.bench_uuid(ts timestamptz, tag text, n bigint) RETURNS uuid
LANGUAGE sql STABLE AS $$
    SELECT (lpad(to_hex((extract(epoch FROM ts) * 1000)::bigint), 12, '0') || '7' || tag ||
            '8' || lpad(to_hex(n), 15, '0'))::uuid
$$;

-- created_at of shipment n: the peer's '2024-01-01' + n minutes (UTC).
CREATE FUNCTION pg_temp.bench_at(n bigint) RETURNS timestamptz
LANGUAGE sql STABLE AS $$ SELECT timestamptz '2024-01-01 00:00:00+00' + n * interval '1 minute' $$;

\timing on

INSERT INTO addresses (id, name, company, street1, street2, city, state, zip, country,
                       phone, email, residential, created_at, updated_at)
SELECT pg_temp.bench_uuid(pg_temp.bench_at(n), '00' || side, n),
       (ARRAY['Alice Smith','Bob Jones','Carol White','Dan Brown','Eve Black'])[1 + (n + side) % 5],
       CASE WHEN n % 3 = 0 THEN 'EasyPost Co ' || (n % 97) END,
       (100 + n % 9000) || ' ' || (ARRAY['Main St','Market St','Broadway','Oak Ave','Pine Rd'])[1 + n % 5],
       CASE WHEN n % 4 = 0 THEN 'Suite ' || (n % 500) END,
       (ARRAY['San Francisco','New York','Chicago','Austin','Seattle','Boston','Denver','Miami'])[1 + (n + side) % 8],
       (ARRAY['CA','NY','IL','TX','WA','MA','CO','FL'])[1 + (n + side) % 8],
       lpad(((n * 7 + side) % 99999)::text, 5, '0'),
       'US',
       '415555' || lpad((n % 10000)::text, 4, '0'),
       'user' || n || '@example.com',
       side = 2 AND n % 3 <> 0,
       pg_temp.bench_at(n), pg_temp.bench_at(n)
  FROM generate_series(1, :n) AS n
 CROSS JOIN (VALUES (1), (2)) AS v(side);

INSERT INTO parcels (id, length, width, height, weight, created_at, updated_at)
SELECT pg_temp.bench_uuid(pg_temp.bench_at(n), '003', n),
       5 + n % 20, 4 + n % 15, 2 + n % 10, round((1 + (n % 700) / 10.0)::numeric, 1),
       pg_temp.bench_at(n), pg_temp.bench_at(n)
  FROM generate_series(1, :n) AS n;

-- The last event's status (k = 5), as the peer's generator has it.
CREATE FUNCTION pg_temp.bench_status(n bigint, k int) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE k WHEN 1 THEN 'pre_transit' WHEN 2 THEN 'in_transit' WHEN 3 THEN 'in_transit'
                  WHEN 4 THEN 'out_for_delivery'
                  ELSE (ARRAY['delivered','out_for_delivery','in_transit','return_to_sender'])[1 + n % 4] END
$$;

INSERT INTO shipments (id, status, tracking_code, from_address_id, to_address_id, parcel_id,
                       reference, rates, selected_rate, carrier, service, rate_amount,
                       rate_currency, label_url, purchased_at, latest_event_id, latest_event_at,
                       latest_event_status, latest_event_message, latest_event_city,
                       latest_event_state, latest_event_country, latest_event_source,
                       created_at, updated_at)
SELECT pg_temp.bench_uuid(r.at, '000', r.n),
       pg_temp.bench_status(r.n, 5),
       r.code,
       pg_temp.bench_uuid(r.at, '001', r.n),
       pg_temp.bench_uuid(r.at, '002', r.n),
       pg_temp.bench_uuid(r.at, '003', r.n),
       'bench-' || r.n,
       r.rates,
       r.rates -> (r.n % 3)::int,
       r.rates -> (r.n % 3)::int ->> 'carrier',
       r.rates -> (r.n % 3)::int ->> 'service',
       (r.rates -> (r.n % 3)::int ->> 'rate')::numeric,
       'USD',
       'https://labels.shipd.local/' || r.code || '.pdf',
       r.at + interval '1 hour',
       pg_temp.bench_uuid(r.at + interval '30 hours', '015', r.n),
       r.at + interval '30 hours',
       pg_temp.bench_status(r.n, 5),
       'Event 5 for ' || r.code,
       (ARRAY['San Francisco','New York','Chicago','Austin','Seattle','Boston','Denver','Miami'])[1 + (r.n + 5) % 8],
       (ARRAY['CA','NY','IL','TX','WA','MA','CO','FL'])[1 + (r.n + 5) % 8],
       'US', 'carrier',
       r.at, r.at + interval '30 hours'
  FROM (SELECT n, pg_temp.bench_at(n) AS at, 'TRK' || lpad(n::text, 10, '0') AS code,
               jsonb_build_array(
                 jsonb_build_object('id', 'rate_' || md5('r1-' || n), 'carrier', 'USPS',
                   'service', 'Priority', 'rate', to_char((500 + n % 900) / 100.0, 'FM990.00'),
                   'currency', 'USD', 'delivery_days', 2,
                   'est_delivery_date', to_char(pg_temp.bench_at(n) + interval '2 days', 'YYYY-MM-DD')),
                 jsonb_build_object('id', 'rate_' || md5('r2-' || n), 'carrier', 'UPS',
                   'service', 'Ground', 'rate', to_char((700 + n % 1100) / 100.0, 'FM990.00'),
                   'currency', 'USD', 'delivery_days', 4,
                   'est_delivery_date', to_char(pg_temp.bench_at(n) + interval '4 days', 'YYYY-MM-DD')),
                 jsonb_build_object('id', 'rate_' || md5('r3-' || n), 'carrier', 'FedEx',
                   'service', 'FEDEX_2_DAY', 'rate', to_char((1500 + n % 2500) / 100.0, 'FM990.00'),
                   'currency', 'USD', 'delivery_days', 2,
                   'est_delivery_date', to_char(pg_temp.bench_at(n) + interval '2 days', 'YYYY-MM-DD'))) AS rates
          FROM generate_series(1, :n) AS n
        OFFSET 0) r;  -- OFFSET 0: not flattened, so each row's rates are built once

-- Event k of shipment n happens k * 6 hours after its creation; its id tag is 01k.
INSERT INTO shipment_events (id, shipment_id, status, message, occurred_at, created_at, source,
                             city, state, zip, country)
SELECT pg_temp.bench_uuid(pg_temp.bench_at(n) + k * interval '6 hours', '01' || k, n),
       pg_temp.bench_uuid(pg_temp.bench_at(n), '000', n),
       pg_temp.bench_status(n, k),
       'Event ' || k || ' for TRK' || lpad(n::text, 10, '0'),
       pg_temp.bench_at(n) + k * interval '6 hours',
       pg_temp.bench_at(n) + k * interval '6 hours',
       'carrier',
       (ARRAY['San Francisco','New York','Chicago','Austin','Seattle','Boston','Denver','Miami'])[1 + (n + k) % 8],
       (ARRAY['CA','NY','IL','TX','WA','MA','CO','FL'])[1 + (n + k) % 8],
       NULL, 'US'
  FROM generate_series(1, :n) AS n
 CROSS JOIN generate_series(1, 5) AS k;

\timing off
RESET session_replication_role;

-- The latest-event columns, and migration 7's copies of that event's columns, agree with the
-- events (what the trigger keeps), on a sample of about 1,000 shipments: stop here if they do
-- not.
SELECT count(*) AS bench_bad, count(*) > 0 AS bench_inconsistent
  FROM (SELECT s.id, s.latest_event_id, s.latest_event_at, s.status, s.latest_event_status,
               s.latest_event_status_detail, s.latest_event_message, s.latest_event_city,
               s.latest_event_state, s.latest_event_zip, s.latest_event_country,
               s.latest_event_source
          FROM shipments s
         WHERE s.tracking_code = ANY (SELECT 'TRK' || lpad((1 + (i * 7919) % :n)::text, 10, '0')
                                        FROM generate_series(1, 1000) AS i)) s
  JOIN LATERAL (SELECT e.id, e.occurred_at, e.status, e.status_detail, e.message, e.city,
                       e.state, e.zip, e.country, e.source
                  FROM shipment_events e
                 WHERE e.shipment_id = s.id
                 ORDER BY e.occurred_at DESC, e.id DESC
                 LIMIT 1) e ON true
 WHERE (e.id, e.occurred_at, e.status, e.status, e.status_detail, e.message, e.city, e.state,
        e.zip, e.country, e.source)
       IS DISTINCT FROM
       (s.latest_event_id, s.latest_event_at, s.status, s.latest_event_status,
        s.latest_event_status_detail, s.latest_event_message, s.latest_event_city,
        s.latest_event_state, s.latest_event_zip, s.latest_event_country, s.latest_event_source)
\gset
\if :bench_inconsistent
  \echo 'bench data: latest-event columns disagree with the events on' :bench_bad 'sampled shipments'
  SELECT 1 / 0;
\endif
