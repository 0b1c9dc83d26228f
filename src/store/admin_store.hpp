// Operations queries: who is connected (pg_stat_activity, the seed's monitoring query), what
// the server can give (the capacity figures of `shipd doctor`), the slowest statements
// (pg_stat_statements).
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

/// The server's side of the capacity table and the settings `shipd doctor` advises on.
struct ServerFigures {
    std::int64_t max_connections = 0;
    std::int64_t reserved = 0;        ///< superuser_reserved_connections + reserved_connections (16+)
    std::int64_t others = 0;          ///< client sessions not named shipd/*, this one excluded
    std::int64_t shipd_sessions = 0;  ///< client sessions named shipd/*, this one excluded
    std::string server_version;
    bool stat_statements_loaded = false;   ///< pg_stat_statements in shared_preload_libraries
    bool stat_statements_created = false;  ///< CREATE EXTENSION done in this database
    bool jit = false;                      ///< jit as this session has it (after DATABASE_SERVER_SETTINGS)
    bool jit_available = false;            ///< the server can JIT at all (LLVM installed)
    std::int64_t idle_session_timeout_ms = 0;  ///< 0: none
    bool local = false;  ///< the server runs on this machine (Unix socket or loopback)
};

/// One round trip. Throws what pg::Pool::acquire and Connection::execute throw.
boost::asio::awaitable<ServerFigures> server_figures(pg::Pool& pool);

/// One statement of pg_stat_statements.
struct SlowStatement {
    std::string query_id;
    std::string query;
    std::int64_t calls = 0;
    double mean_ms = 0;
    double total_ms = 0;
    std::int64_t rows = 0;
};

/// The slowest statements of this database by mean execution time, or why there are none.
struct SlowQueries {
    bool available = false;
    std::string database;
    std::string reason;  ///< when not available: what is missing
    std::string fix;     ///< when not available: what to do
    std::vector<SlowStatement> statements;
};

/// Top `limit` statements of pg_stat_statements for the current database, by mean time. When
/// the library is not preloaded, or the extension not created in this database, `available` is
/// false with the reason and the fix (never an error). Throws what the pool throws.
boost::asio::awaitable<SlowQueries> slow_queries(pg::Pool& pool, int limit);

}  // namespace shipd::store
