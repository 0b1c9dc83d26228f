-- Revision 5 down: drops the analytics views and their refresh record.
DROP TABLE analytics_refreshes;
DROP MATERIALIZED VIEW analytics_costs;
DROP MATERIALIZED VIEW analytics_carrier_performance;
DROP MATERIALIZED VIEW analytics_daily_volume;
