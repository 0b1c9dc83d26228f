// Operations queries.
#include "store/admin_store.hpp"

#include <optional>
#include <string_view>

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

// Sessions other than this one; shipd's own (application_name shipd/<instance>/<pool>) apart,
// because the capacity plan counts them already.
constexpr const char* kServerFigures =
    "SELECT current_setting('max_connections')::bigint,"
    " current_setting('superuser_reserved_connections')::bigint"
    "   + coalesce(current_setting('reserved_connections', true), '0')::bigint,"
    " (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
    "   AND pid <> pg_backend_pid() AND coalesce(application_name, '') NOT LIKE 'shipd/%'),"
    " (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
    "   AND pid <> pg_backend_pid() AND application_name LIKE 'shipd/%'),"
    " current_setting('server_version'), current_setting('shared_preload_libraries'),"
    " EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'),"
    " current_setting('jit')::bool, pg_jit_available(),"
    " (SELECT setting::bigint FROM pg_settings WHERE name = 'idle_session_timeout'),"
    " inet_server_addr() IS NULL OR host(inet_server_addr()) IN ('127.0.0.1', '::1')";

constexpr const char* kStatStatementsState =
    "SELECT current_setting('shared_preload_libraries'),"
    " EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'), current_database()";

constexpr const char* kSlowStatements =
    "SELECT queryid::text, query, calls, mean_exec_time, total_exec_time, rows FROM pg_stat_statements"
    " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
    " ORDER BY mean_exec_time DESC LIMIT $1";

// shared_preload_libraries is a comma-separated list, items maybe quoted.
bool preloads(std::string_view libraries, std::string_view name) {
    while (!libraries.empty()) {
        auto comma = libraries.find(',');
        std::string_view item = libraries.substr(0, comma);
        libraries = comma == std::string_view::npos ? std::string_view{} : libraries.substr(comma + 1);
        while (!item.empty() && (item.front() == ' ' || item.front() == '"')) item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '"')) item.remove_suffix(1);
        if (item == name) return true;
    }
    return false;
}

}  // namespace

boost::asio::awaitable<ServerFigures> server_figures(pg::Pool& pool) {
    auto result = co_await pool.execute(kServerFigures);
    auto row = result.one();
    ServerFigures f;
    f.max_connections = row[0].as<std::int64_t>();
    f.reserved = row[1].as<std::int64_t>();
    f.others = row[2].as<std::int64_t>();
    f.shipd_sessions = row[3].as<std::int64_t>();
    f.server_version = row[4].as<std::string>();
    f.stat_statements_loaded = preloads(row[5].as<std::string>(), "pg_stat_statements");
    f.stat_statements_created = row[6].as<bool>();
    f.jit = row[7].as<bool>();
    f.jit_available = row[8].as<bool>();
    f.idle_session_timeout_ms = row[9].as<std::int64_t>();
    f.local = row[10].as<bool>();
    co_return f;
}

boost::asio::awaitable<SlowQueries> slow_queries(pg::Pool& pool, int limit) {
    auto lease = co_await pool.acquire("admin/db/slow-queries");
    auto result = co_await lease->execute(kStatStatementsState);
    auto state = result.one();  // a Row points into its Result: keep the Result alive
    SlowQueries out;
    out.database = state[2].as<std::string>();
    if (!preloads(state[0].as<std::string>(), "pg_stat_statements")) {
        out.reason = "pg_stat_statements is not loaded: it is not in the server's shared_preload_libraries";
        out.fix = "add pg_stat_statements to shared_preload_libraries in postgresql.conf, restart PostgreSQL, "
                  "then run CREATE EXTENSION pg_stat_statements in database " + out.database;
        co_return out;
    }
    if (!state[1].as<bool>()) {
        out.reason = "pg_stat_statements is loaded but the extension is not created in database " + out.database;
        out.fix = "run CREATE EXTENSION pg_stat_statements in database " + out.database + " (as a superuser)";
        co_return out;
    }
    out.available = true;
    auto rows = co_await lease->execute(kSlowStatements, static_cast<std::int64_t>(limit));
    for (const auto& row : rows) {
        out.statements.push_back({row[0].as<std::optional<std::string>>().value_or(""), row[1].as<std::optional<std::string>>().value_or(""),
                                  row[2].as<std::int64_t>(), row[3].as<double>(), row[4].as<double>(), row[5].as<std::int64_t>()});
    }
    co_return out;
}

boost::asio::awaitable<ConnectionReport> connection_report(pg::Pool& pool) {
    auto lease = co_await pool.acquire("admin/db/connections");
    std::vector<pg::Query> queries(2);
    queries[0].sql = kGroups;
    queries[1].sql = kIdleInTransaction;
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
