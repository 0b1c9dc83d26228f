// Module settings from shipd's Settings: the pg driver's (the seed's DATABASE_* knobs, per
// event loop) and the carrier's (CARRIER_PROVIDER, EASYPOST_*).
#pragma once

#include <chrono>
#include <string>

#include "config/settings.hpp"
#include "carriers/carrier.hpp"
#include "pg/cluster.hpp"

namespace shipd::app {

/// Whether the database shares this machine's cores: the embedded one, or a database URL
/// whose every host is loopback, localhost or a Unix socket (pg::dsn_is_local).
bool database_on_this_machine(const config::Settings& settings, const std::string& database_url);

/// The primary pool's auto-pipelining shape: SHIPD_PIPELINE_CONNECTIONS and _DEPTH, or for
/// "auto", when the database is on this machine, two connections of depth 64 a loop that
/// fill in turn: the second opens only while the first one's statements take over 10 ms
/// (one busy backend while it keeps up, as for GETs; two when it is saturated, as under
/// batch-track); otherwise two of depth 16, statements spread over both (bench/RESULTS.md,
/// "One pipe when the database is local", "A second pipe when the first is saturated").
struct PipelineShape {
    std::size_t connections;
    std::size_t depth;
    std::chrono::microseconds spill_after{0};  ///< pg::PoolSettings::pipeline_spill_after
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
