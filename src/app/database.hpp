// The database shipd serves from: the embedded PostgreSQL when DATABASE_URL is unset, and the
// schema check (or migration) that must pass before anything is served.
#pragma once

#include <memory>
#include <string>

#include "api/services.hpp"
#include "config/settings.hpp"
#include "pgembed/local_postgres.hpp"

namespace shipd::app {

/// Starts the embedded PostgreSQL in settings.data_dir. Throws pgembed::LocalPostgresError.
std::unique_ptr<pgembed::LocalPostgres> start_embedded(const config::Settings& settings);

/// The schema revision found (or reached) at start, and this binary's head.
using api::SchemaInfo;

/// Brings the schema to this binary's head or refuses: migrates when `migrate` is set (the
/// embedded database, or SHIPD_AUTO_MIGRATE=true); otherwise checks and throws
/// std::runtime_error naming the command to run when the schema is behind or has drifted.
/// An unreachable database throws under DB_STARTUP_MODE=fail and is logged under degrade.
SchemaInfo prepare_schema(const std::string& database_url, bool migrate, config::StartupMode mode);

}  // namespace shipd::app
