// The test harness's PostgreSQL: one throwaway cluster per test binary, a fresh database
// per test (CREATE DATABASE ... TEMPLATE), and a small synchronous helper for test SQL.
#pragma once

#include <string>
#include <vector>

#include "pgembed/local_postgres.hpp"

namespace shipd::testing {

/// The cluster shared by this binary's tests: started on first use (fsync off, loopback,
/// throwaway directory), stopped and removed at exit.
pgembed::LocalPostgres& cluster();

/// Creates a new database, copied from `template_db`, and returns its name.
std::string fresh_database(const std::string& template_db = "template1");

/// postgresql:// URL of a database in cluster().
std::string database_url(const std::string& database);

/// Runs SQL on a new connection to `database` and returns the first column of every row
/// (NULL as "<null>"). Throws std::runtime_error with the server's message on error.
std::vector<std::string> sql(const std::string& database, const std::string& statement);

/// First column of the first row, or throws when there is none.
std::string sql_value(const std::string& database, const std::string& statement);

/// One session kept open (for a transaction or a lock held across a test's steps), on a
/// database of cluster() or any libpq conninfo / URL. Synchronous.
class Session {
public:
    /// Connects to `database` of cluster(), or to `conninfo` when it contains '=' or "://".
    explicit Session(const std::string& database_or_conninfo);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    /// Runs SQL; the first column of every row (NULL as "<null>"). Throws std::runtime_error.
    std::vector<std::string> sql(const std::string& statement);
    /// The server process id of this session.
    int backend_pid() const;

private:
    void* conn_ = nullptr;  // PGconn
};

}  // namespace shipd::testing
