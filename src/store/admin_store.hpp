// Operations queries: who is connected (pg_stat_activity, the seed's monitoring query).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "pg/pool.hpp"

namespace shipd::store {

struct ConnectionGroup {
    std::string state;             ///< "active", "idle", "idle in transaction", ...
    std::string application_name;  ///< "shipd/host/primary", "psql", ...
    std::int64_t connections = 0;
};

struct IdleInTransaction {
    int pid = 0;
    std::string application_name;
    double seconds = 0;  ///< since the session's state changed
    std::string query;   ///< the last statement, first 200 characters
};

struct ConnectionReport {
    std::string database;
    std::int64_t total = 0;            ///< sessions on this database
    std::int64_t server_total = 0;     ///< sessions on the whole server
    std::int64_t max_connections = 0;
    std::vector<ConnectionGroup> groups;  ///< most connections first
    std::vector<IdleInTransaction> idle_in_transaction;
};

/// pg_stat_activity of the current database grouped by state and application, and every
/// session idle in a transaction (the review: "if > 0, investigate"). Two statements,
/// pipelined. Throws what pg::Pool::acquire and Connection::execute throw.
boost::asio::awaitable<ConnectionReport> connection_report(pg::Pool& pool);

}  // namespace shipd::store
