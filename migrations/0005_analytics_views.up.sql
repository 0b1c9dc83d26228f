-- Revision 5: analytics as materialized views, each with a unique index so
-- REFRESH MATERIALIZED VIEW CONCURRENTLY works (readers are never blocked by a refresh),
-- and a table that says when each view was last refreshed.
-- Days are UTC days. Shipments not yet bought count under carrier 'unassigned'.

CREATE MATERIALIZED VIEW analytics_daily_volume AS
SELECT (s.created_at AT TIME ZONE 'UTC')::date AS day,
       coalesce(s.carrier, 'unassigned')::varchar(50) AS carrier,
       s.status,
       count(*)::bigint AS shipments
  FROM shipments s
 GROUP BY 1, 2, 3
WITH DATA;

CREATE UNIQUE INDEX analytics_daily_volume_key
    ON analytics_daily_volume (day, carrier, status);

-- Transit time: from the first in_transit event (or, without one, the first pre_transit
-- event) to the first delivered event, in days; shipments not delivered have none.
CREATE MATERIALIZED VIEW analytics_carrier_performance AS
WITH milestones AS (
    SELECT e.shipment_id,
           min(e.occurred_at) FILTER (WHERE e.status = 'delivered') AS delivered_at,
           coalesce(min(e.occurred_at) FILTER (WHERE e.status = 'in_transit'),
                    min(e.occurred_at) FILTER (WHERE e.status = 'pre_transit')) AS started_at
      FROM shipment_events e
     WHERE e.status IN ('pre_transit', 'in_transit', 'delivered')
     GROUP BY e.shipment_id
), transit AS (
    SELECT s.carrier, s.service, s.status,
           CASE WHEN m.delivered_at >= m.started_at
                THEN extract(epoch FROM m.delivered_at - m.started_at)::float8 / 86400
           END AS transit_days
      FROM shipments s
      LEFT JOIN milestones m ON m.shipment_id = s.id
     WHERE s.carrier IS NOT NULL AND s.service IS NOT NULL
)
SELECT t.carrier,
       t.service,
       count(*)::bigint AS shipments,
       (count(*) FILTER (WHERE t.status = 'delivered'))::bigint AS delivered,
       round(avg(t.transit_days)::numeric, 2) AS mean_transit_days,
       round((percentile_cont(0.9) WITHIN GROUP (ORDER BY t.transit_days))::numeric, 2)
           AS p90_transit_days
  FROM transit t
 GROUP BY t.carrier, t.service
WITH DATA;

CREATE UNIQUE INDEX analytics_carrier_performance_key
    ON analytics_carrier_performance (carrier, service);

-- Money is never summed across currencies: one row per carrier, service and currency.
CREATE MATERIALIZED VIEW analytics_costs AS
SELECT s.carrier,
       s.service,
       s.rate_currency AS currency,
       count(*)::bigint AS shipments,
       sum(s.rate_amount)::numeric(14, 2) AS total,
       round(avg(s.rate_amount), 2)::numeric(12, 2) AS mean
  FROM shipments s
 WHERE s.rate_amount IS NOT NULL AND s.carrier IS NOT NULL AND s.service IS NOT NULL
 GROUP BY s.carrier, s.service, s.rate_currency
WITH DATA;

CREATE UNIQUE INDEX analytics_costs_key
    ON analytics_costs (carrier, service, currency);

-- Upserted by whoever refreshes a view (the refresh job, POST /v1/admin/analytics/refresh).
CREATE TABLE analytics_refreshes (
    view_name     varchar(63) PRIMARY KEY,
    refreshed_at  timestamptz NOT NULL DEFAULT now(),
    duration_ms   integer NOT NULL DEFAULT 0,
    CONSTRAINT analytics_refreshes_view_known CHECK (view_name IN (
        'analytics_daily_volume', 'analytics_carrier_performance', 'analytics_costs')),
    CONSTRAINT analytics_refreshes_duration_nonnegative CHECK (duration_ms >= 0)
);

-- The views were filled just now, by CREATE ... WITH DATA.
INSERT INTO analytics_refreshes (view_name)
VALUES ('analytics_daily_volume'), ('analytics_carrier_performance'), ('analytics_costs');
