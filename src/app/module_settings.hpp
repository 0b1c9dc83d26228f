// Module settings from shipd's Settings: the pg driver's (the seed's DATABASE_* knobs, per
// event loop) and the carrier's (CARRIER_PROVIDER, EASYPOST_*).
#pragma once

#include <string>

#include "config/settings.hpp"
#include "carriers/carrier.hpp"
#include "pg/cluster.hpp"

namespace shipd::app {

/// ClusterSettings for one of `loops` event loops: each loop has its own pools, so the
/// configured sizes are shared out between them (rounded up, at least one connection each).
pg::ClusterSettings cluster_settings(const config::Settings& settings, const std::string& database_url, int loops);

/// CarrierSettings from CARRIER_PROVIDER and EASYPOST_*.
carriers::CarrierSettings carrier_settings(const config::Settings& settings);

/// ClusterSettings for a one-off command (keys, demo data): one connection a pool.
pg::ClusterSettings command_cluster_settings(const config::Settings& settings, const std::string& database_url);

}  // namespace shipd::app
