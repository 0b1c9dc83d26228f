// Analytics views: reads and the refresh.
#include "store/analytics_store.hpp"

#include <array>
#include <string_view>

#include "pg/transaction.hpp"
#include "store/detail/columns.hpp"

namespace shipd::store {

namespace asio = boost::asio;

namespace {

// Each read is one statement over (VALUES (1)) so that an empty view still answers one row
// carrying refreshed_at (its other columns NULL); the views' rows come through a LATERAL
// subquery that scans the view's unique index. Ordered byte-wise (COLLATE "C"), the same on
// every server whatever its locale.
#define SHIPD_REFRESHED(view) \
    "SELECT (SELECT " SHIPD_UTC("refreshed_at") " FROM analytics_refreshes WHERE view_name = '" view "'),"

constexpr std::string_view kDailyVolume =
    SHIPD_REFRESHED("analytics_daily_volume")
    " to_char(v.day, 'YYYY-MM-DD'), v.carrier::text, v.status::text, v.shipments"
    " FROM (VALUES (1)) AS one LEFT JOIN LATERAL ("
    "   SELECT day, carrier, status, shipments FROM analytics_daily_volume"
    "    WHERE day BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR carrier = $3::text)) v ON true"
    " ORDER BY v.day, v.carrier COLLATE \"C\", v.status COLLATE \"C\"";

constexpr std::string_view kCarrierPerformance =
    SHIPD_REFRESHED("analytics_carrier_performance")
    " v.carrier::text, v.service::text, v.shipments, v.delivered, v.mean_transit_days::float8,"
    " v.p90_transit_days::float8"
    " FROM (VALUES (1)) AS one LEFT JOIN LATERAL ("
    "   SELECT * FROM analytics_carrier_performance WHERE $1::text IS NULL OR carrier = $1::text) v ON true"
    " ORDER BY v.carrier COLLATE \"C\", v.service COLLATE \"C\"";

constexpr std::string_view kCosts =
    SHIPD_REFRESHED("analytics_costs")
    " v.carrier::text, v.service::text, v.currency::text, v.shipments, v.total::text, v.mean::text"
    " FROM (VALUES (1)) AS one LEFT JOIN LATERAL ("
    "   SELECT * FROM analytics_costs WHERE $1::text IS NULL OR carrier = $1::text) v ON true"
    " ORDER BY v.carrier COLLATE \"C\", v.service COLLATE \"C\", v.currency COLLATE \"C\"";

#undef SHIPD_REFRESHED

constexpr std::string_view kTryLock = "SELECT pg_try_advisory_xact_lock($1::bigint)";
constexpr std::string_view kClock = "SELECT clock_timestamp()::text";
// The view's rows were read as of its refresh's start: that is its refreshed_at.
constexpr std::string_view kRecord =
    "INSERT INTO analytics_refreshes AS r (view_name, refreshed_at, duration_ms)"
    " VALUES ($1, $2::timestamptz, greatest(0, round(extract(epoch FROM clock_timestamp() - $2::timestamptz) * 1000))::int)"
    " ON CONFLICT (view_name) DO UPDATE SET refreshed_at = EXCLUDED.refreshed_at, duration_ms = EXCLUDED.duration_ms"
    " RETURNING " SHIPD_UTC("r.refreshed_at") ", r.duration_ms";

// Refreshed in this order; the refresh statements are constants (no identifier from outside).
struct View {
    const char* name;
    const char* refresh;
};
constexpr std::array<View, 3> kViews = {{
    {"analytics_daily_volume", "REFRESH MATERIALIZED VIEW CONCURRENTLY analytics_daily_volume"},
    {"analytics_carrier_performance", "REFRESH MATERIALIZED VIEW CONCURRENTLY analytics_carrier_performance"},
    {"analytics_costs", "REFRESH MATERIALIZED VIEW CONCURRENTLY analytics_costs"},
}};

// The rows of a read: the first column is refreshed_at, the second NULL when the view had none.
template <class Row, class Decode>
ViewRows<Row> view_rows(const pg::Result& result, Decode decode) {
    ViewRows<Row> out;
    for (const auto& row : result) {
        out.refreshed_at = row[0].as<std::optional<std::string>>().value_or("");
        if (row[1].is_null()) continue;
        out.rows.push_back(decode(row));
    }
    return out;
}

}  // namespace

asio::awaitable<ViewRows<domain::DailyVolumeRow>> daily_volume(pg::Pool& pool, const DailyVolumeFilter& f) {
    auto result = co_await pool.read(kDailyVolume, f.start_date, f.end_date, f.carrier);
    co_return view_rows<domain::DailyVolumeRow>(result, [](const pg::Row& row) {
        return domain::DailyVolumeRow{row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<std::string>(),
                                      row[4].as<std::int64_t>()};
    });
}

asio::awaitable<ViewRows<domain::CarrierPerformanceRow>> carrier_performance(pg::Pool& pool,
                                                                             const std::optional<std::string>& carrier) {
    auto result = co_await pool.read(kCarrierPerformance, carrier);
    co_return view_rows<domain::CarrierPerformanceRow>(result, [](const pg::Row& row) {
        return domain::CarrierPerformanceRow{row[1].as<std::string>(),          row[2].as<std::string>(),
                                             row[3].as<std::int64_t>(),         row[4].as<std::int64_t>(),
                                             row[5].as<std::optional<double>>(), row[6].as<std::optional<double>>()};
    });
}

asio::awaitable<ViewRows<domain::CostRow>> costs(pg::Pool& pool, const std::optional<std::string>& carrier) {
    auto result = co_await pool.read(kCosts, carrier);
    co_return view_rows<domain::CostRow>(result, [](const pg::Row& row) {
        return domain::CostRow{row[1].as<std::string>(),  row[2].as<std::string>(), row[3].as<std::string>(),
                               row[4].as<std::int64_t>(), row[5].as<std::string>(), row[6].as<std::string>()};
    });
}

asio::awaitable<std::optional<domain::AnalyticsRefresh>> refresh_analytics(pg::Pool& pool) {
    auto tx = co_await pool.begin("analytics.refresh");
    auto locked = co_await tx.execute(kTryLock, kAnalyticsRefreshLock);
    if (!locked.scalar<bool>()) {
        co_await tx.rollback();
        co_return std::nullopt;
    }
    domain::AnalyticsRefresh out;
    for (const auto& view : kViews) {
        auto clock = co_await tx.execute(kClock);
        auto started = clock.scalar<std::string>();
        // The simple protocol: a utility statement, nothing to prepare.
        co_await tx.connection().execute_script(view.refresh);
        auto recorded = co_await tx.execute(kRecord, view.name, started);  // (a Row borrows its Result)
        auto row = recorded.one();
        domain::ViewRefresh v{view.name, row[0].as<std::string>(), row[1].as<std::int64_t>()};
        if (out.views.empty()) out.refreshed_at = v.refreshed_at;
        out.duration_ms += v.duration_ms;
        out.views.push_back(std::move(v));
    }
    co_await tx.commit();
    co_return out;
}

}  // namespace shipd::store
