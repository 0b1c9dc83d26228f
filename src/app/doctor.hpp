// `shipd doctor` and `shipd db status`: what an operator runs before and while serving.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#include "config/settings.hpp"

namespace shipd::app {

/// Exit codes of `shipd doctor`.
enum class DoctorExit : int {
    kOk = 0,             ///< fits with margin, or only warnings and advice
    kFailure = 1,        ///< connected, but a query failed (the output says which)
    kBadSettings = 2,    ///< the settings are invalid (every problem listed)
    kExceeds = 3,        ///< the pools may ask for more connections than the server can give
    kCannotConnect = 4,  ///< the database (or the embedded one) could not be reached or started
};

/// Adds `doctor`: validates `loaded`, connects through `database_url` (which starts the
/// embedded PostgreSQL when DATABASE_URL is unset), prints the capacity table from live
/// figures, advice and a verdict; exits with a DoctorExit.
void add_doctor_command(CLI::App& app, const config::LoadResult& loaded, std::function<std::string()> database_url);

/// Adds `db status [--json]`: pg_stat_activity by state and application, sessions idle in a
/// transaction with their age, and the capacity line (the JSON is GET
/// /v1/admin/db/connections' body).
void add_db_command(CLI::App& app, const config::Settings& settings, std::function<std::string()> database_url);

}  // namespace shipd::app
