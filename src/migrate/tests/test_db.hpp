// Helpers for the migration pgtests: conninfo, a database migrated to head, pg_dump, a libpq session.
#pragma once

#include <string>

#include "migrate/detail/pq.hpp"

namespace shipd::migrate::testing {

/// libpq conninfo of `database` in the harness cluster.
std::string conninfo(const std::string& database);

/// A new database already at head (copied from a template migrated once per binary).
std::string migrated_database();

/// `pg_dump --schema-only` of `database` (bounded by `timeout 120`); throws on failure.
std::string schema_dump(const std::string& database);

/// Empty when equal; else the first differing line of each (for readable failures).
std::string first_difference(const std::string& a, const std::string& b);

/// A session on `database` with statement_timeout set, so no test query can hang.
class Session {
public:
    explicit Session(const std::string& database, int statement_timeout_ms = 30000);
    detail::PqResult exec(const std::string& sql) { return conn_.exec(sql); }
    /// First column of the first row.
    std::string value(const std::string& sql);
    detail::PqConnection& conn() { return conn_; }

private:
    detail::PqConnection conn_;
};

}  // namespace shipd::migrate::testing
