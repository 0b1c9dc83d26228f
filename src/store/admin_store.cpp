// Operations queries.
#include "store/admin_store.hpp"

#include "pg/connection.hpp"

namespace shipd::store {

namespace {

constexpr const char* kGroups =
    "SELECT coalesce(state, 'unknown'), coalesce(application_name, ''), count(*),"
    " (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()),"
    " (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'),"
    " current_setting('max_connections')::bigint, current_database()"
    " FROM pg_stat_activity WHERE datname = current_database()"
    " GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2";

constexpr const char* kIdleInTransaction =
    "SELECT pid, coalesce(application_name, ''),"
    " extract(epoch FROM now() - state_change)::float8, left(coalesce(query, ''), 200)"
    " FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'"
    " ORDER BY state_change";

}  // namespace

boost::asio::awaitable<ConnectionReport> connection_report(pg::Pool& pool) {
    auto lease = co_await pool.acquire("admin/db/connections");
    std::vector<pg::Query> queries;
    queries.push_back({kGroups, {}});
    queries.push_back({kIdleInTransaction, {}});
    auto outcomes = co_await lease->pipeline(std::move(queries));
    ConnectionReport report;
    for (const auto& row : outcomes.at(0).value()) {
        report.groups.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::int64_t>()});
        report.total = row[3].as<std::int64_t>();
        report.server_total = row[4].as<std::int64_t>();
        report.max_connections = row[5].as<std::int64_t>();
        report.database = row[6].as<std::string>();
    }
    for (const auto& row : outcomes.at(1).value()) {
        report.idle_in_transaction.push_back(
            {row[0].as<int>(), row[1].as<std::string>(), row[2].as<double>(), row[3].as<std::string>()});
    }
    co_return report;
}

}  // namespace shipd::store
