// App: builds shipd from Settings and runs it; the start-up and shutdown order (the seed's
// lifespan) lives here and nowhere else.
#pragma once

#include <memory>

#include "config/settings.hpp"

namespace shipd::app {

/// Exit codes of `shipd serve`.
enum class ExitCode : int { kOk = 0, kFailure = 1, kBadSettings = 2 };

/// The serving process. Start-up: embedded PostgreSQL (when DATABASE_URL is unset) → schema →
/// pools → routes → HTTP. Shutdown on SIGINT / SIGTERM, in reverse: stop accepting, let
/// in-flight requests finish within SHIPD_SHUTDOWN_GRACE_S, close pools, stop PostgreSQL.
class App {
public:
    explicit App(config::Settings settings);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    /// Runs until a stop signal; returns the process exit code. Never throws: every failure is
    /// logged as one line saying what to do.
    ExitCode run();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Event-loop threads for these settings: SHIPD_THREADS, or automatic (one per core, less the
/// cores a local PostgreSQL needs: on a 2-core machine with the embedded database, one).
int loop_count(const config::Settings& settings);

}  // namespace shipd::app
