// The pg driver's settings from shipd's Settings (the seed's DATABASE_* knobs), per event loop.
#pragma once

#include <string>

#include "config/settings.hpp"
#include "pg/cluster.hpp"

namespace shipd::app {

/// ClusterSettings for one of `loops` event loops: each loop has its own pools, so the
/// configured sizes are shared out between them (rounded up, at least one connection each).
pg::ClusterSettings cluster_settings(const config::Settings& settings, const std::string& database_url, int loops);

}  // namespace shipd::app
