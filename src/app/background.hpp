// shipd's background jobs: the simulated carrier's tracking progression, expired
// idempotency keys. Registered on the first event loop's scheduler.
#pragma once

#include "api/services.hpp"
#include "app/scheduler.hpp"

namespace shipd::app {

/// Registers the jobs `services.settings` asks for on `scheduler`.
void add_background_jobs(Scheduler& scheduler, api::Services& services);

}  // namespace shipd::app
