// Demo data: realistic shipments (addresses across states, the simulated carrier's rates and
// tracking codes, event histories ending in every status), loaded fast through the bulk path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "config/settings.hpp"

namespace shipd::app {

/// Generates `count` shipments created over the last 30 days, deterministic for a `seed`, and
/// stores them in batches with a progress bar on stderr. Throws what the store throws.
void load_demo_data(const config::Settings& settings, const std::string& database_url, std::size_t count,
                    std::uint64_t seed, bool progress);

}  // namespace shipd::app
