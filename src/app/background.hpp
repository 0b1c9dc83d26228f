// shipd's background jobs: the simulated carrier's tracking progression, expired
// idempotency keys, the analytics views' refresh. Registered on the first event loop's
// scheduler; with several instances on one database only the elected leader runs them
// (app/leader_election.hpp).
#pragma once

#include <chrono>
#include <memory>

#include "api/services.hpp"
#include "app/leader_election.hpp"
#include "app/scheduler.hpp"
#include "pg/settings.hpp"

namespace shipd::app {

/// The longest time between two leader-election heartbeats.
inline constexpr std::chrono::milliseconds kMaxElectionHeartbeat = std::chrono::seconds(10);

/// How often the election runs: the shortest job period, at most kMaxElectionHeartbeat, so an
/// instance takes over from a dead leader before the next run of any job is due.
std::chrono::milliseconds election_heartbeat(const config::Settings& settings);

/// Registers the jobs `services.settings` asks for on `scheduler`, each of which runs only
/// while this instance is the leader, and the election's heartbeat (first at once). Returns the
/// election, which the caller keeps until the scheduler's jobs are gone; `connection` is the
/// primary's connection settings (the election opens one session of its own).
std::unique_ptr<LeaderElection> add_background_jobs(Scheduler& scheduler, api::Services& services,
                                                    const pg::ConnectionSettings& connection);

}  // namespace shipd::app
