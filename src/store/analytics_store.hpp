// Analytics: reads of the materialized views of migration 5, each with the time its view was
// refreshed, and the refresh itself (REFRESH MATERIALIZED VIEW CONCURRENTLY, one at a time
// across every instance on the database).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/analytics.hpp"
#include "pg/pool.hpp"

namespace shipd::store {

/// The transaction-level advisory lock a refresh holds: "shipdref" as a big-endian int64.
inline constexpr std::int64_t kAnalyticsRefreshLock = 8316012643382093158;

/// Rows of one view and when the view was refreshed ("" when it never was).
template <class Row>
struct ViewRows {
    domain::Timestamp refreshed_at;
    std::vector<Row> rows;
};

struct DailyVolumeFilter {
    std::string start_date;  ///< "YYYY-MM-DD", included
    std::string end_date;    ///< "YYYY-MM-DD", included
    std::optional<std::string> carrier;
};

/// analytics_daily_volume within the filter, by day, carrier and status; one statement (one
/// snapshot: the rows and refreshed_at agree). Throws what pg::Pool::execute throws.
boost::asio::awaitable<ViewRows<domain::DailyVolumeRow>> daily_volume(pg::Pool& pool, const DailyVolumeFilter& filter);

/// analytics_carrier_performance (of one carrier when given), by carrier and service.
boost::asio::awaitable<ViewRows<domain::CarrierPerformanceRow>> carrier_performance(
    pg::Pool& pool, const std::optional<std::string>& carrier);

/// analytics_costs (of one carrier when given), by carrier, service and currency.
boost::asio::awaitable<ViewRows<domain::CostRow>> costs(pg::Pool& pool, const std::optional<std::string>& carrier);

/// Refreshes every analytics view CONCURRENTLY (readers keep reading the old rows meanwhile)
/// in one transaction that holds the advisory lock kAnalyticsRefreshLock and records each
/// view's refreshed_at (when its refresh began) and duration in analytics_refreshes, so the
/// rows and their time become visible together. nullopt, at once, when another refresh (of
/// any instance) holds the lock. Throws what pg::Pool::begin and Transaction::execute throw.
boost::asio::awaitable<std::optional<domain::AnalyticsRefresh>> refresh_analytics(pg::Pool& pool);

}  // namespace shipd::store
