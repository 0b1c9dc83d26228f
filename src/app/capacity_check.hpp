// The capacity guardrail of shipd's own settings: the plan its pools make (per event loop ×
// loops × SHIPD_INSTANCES), checked against the live server at `serve` start
// (SHIPD_CAPACITY_POLICY) and by `shipd doctor` / `shipd db status`. The arithmetic itself is
// pg::capacity's; this file maps it to settings and logs.
#pragma once

#include <optional>
#include <string>

#include "config/settings.hpp"
#include "pg/capacity.hpp"
#include "pg/cluster.hpp"
#include "store/admin_store.hpp"

namespace shipd::app {

/// The plan of `per_loop` (one loop's ClusterSettings) over `loops` loops and
/// settings.instances instances.
pg::capacity::Plan capacity_plan(const config::Settings& settings, const pg::ClusterSettings& per_loop, int loops);

/// The plan `serve` would start with under these settings (loop_count, cluster_settings).
pg::capacity::Plan configured_plan(const config::Settings& settings, const std::string& database_url);

/// The settings that give `plan` (per-loop sizes × loops), as NAME=VALUE words, e.g.
/// "DATABASE_POOL_SIZE=10 DATABASE_MAX_OVERFLOW=0 BULK_POOL_MAX_SIZE=2".
std::string plan_as_settings(const config::Settings& settings, const pg::capacity::Plan& plan);

/// Reads the server's figures on a one-off connection; nullopt (logged) when it cannot.
std::optional<store::ServerFigures> read_server_figures(const config::Settings& settings, const std::string& database_url);

/// At serve start: checks the plan of `per_loop` against the server. Policy warn logs the
/// verdict (a warning unless ok); enforce shrinks `per_loop`'s pools to the budget and logs
/// exactly what changed. Returns the plan the pools will have. Never throws: an unreachable
/// database is logged and the pools keep their configured sizes.
pg::capacity::Plan check_capacity_at_start(const config::Settings& settings, const std::string& database_url,
                                           pg::ClusterSettings& per_loop, int loops);

}  // namespace shipd::app
