// Module settings from shipd's Settings: the pg driver's (the seed's DATABASE_* knobs, per
// event loop) and the carrier's (CARRIER_PROVIDER, EASYPOST_*).
#pragma once

#include <string>

#include "config/settings.hpp"
#include "carriers/carrier.hpp"
#include "pg/cluster.hpp"

namespace shipd::app {

/// Whether the database shares this machine's cores: the embedded one, or a database URL
/// whose every host is loopback, localhost or a Unix socket (pg::dsn_is_local).
bool database_on_this_machine(const config::Settings& settings, const std::string& database_url);

/// The primary pool's auto-pipelining shape: SHIPD_PIPELINE_CONNECTIONS and _DEPTH, or for
/// "auto" one connection of depth 64 a loop when the database is on this machine (one busy
/// backend, every statement of the loop in flight), two of depth 16 otherwise
/// (bench/RESULTS.md, "One pipe when the database is local").
struct PipelineShape {
    std::size_t connections;
    std::size_t depth;
};
PipelineShape pipeline_shape(const config::Settings& settings, bool database_here);

/// ClusterSettings for one of `loops` event loops: each loop has its own pools, so the
/// configured sizes are shared out between them (rounded up, at least one connection each).
pg::ClusterSettings cluster_settings(const config::Settings& settings, const std::string& database_url, int loops);

/// CarrierSettings from CARRIER_PROVIDER and EASYPOST_*.
carriers::CarrierSettings carrier_settings(const config::Settings& settings);

/// ClusterSettings for a one-off command (keys, demo data): one connection a pool.
pg::ClusterSettings command_cluster_settings(const config::Settings& settings, const std::string& database_url);

}  // namespace shipd::app
