// LeaderElection: which of the shipd instances on one database runs the background jobs.
//
// Each instance keeps one session of its own (outside the pools, application_name
// "<base>/election") and every heartbeat either checks it still answers (the leader) or tries
// pg_try_advisory_lock on it (the others). A session-level advisory lock lives exactly as long
// as its session, so:
// - the leader stopping, crashing or killed (SIGKILL) closes the session, PostgreSQL drops
//   the lock at once, and another instance takes it at its next heartbeat;
// - a leader that hangs, is paused or loses its host or network stops using its session; the
//   server ends the session after idle_session_timeout (3 heartbeats, set on that session
//   only) and the lock with it;
// - a leader whose session is lost stops leading at its next heartbeat.
// Needs a real PostgreSQL session: not through PgBouncer in transaction mode.
//
// Bound to one event loop (its executor); not thread-safe.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

#include "pg/connection.hpp"
#include "pg/settings.hpp"

namespace shipd::app {

/// The session advisory lock of the background jobs' leader: "shipdjob" as a big-endian int64.
inline constexpr std::int64_t kBackgroundJobsLock = 8316012643381571426;

class LeaderElection {
public:
    /// `connection` is the primary's (its application_name gets "/election"); `heartbeat` is
    /// how often heartbeat() will be called. No I/O yet.
    LeaderElection(boost::asio::any_io_executor executor, pg::ConnectionSettings connection,
                   std::chrono::milliseconds heartbeat, std::int64_t lock = kBackgroundJobsLock);
    ~LeaderElection();
    LeaderElection(const LeaderElection&) = delete;
    LeaderElection& operator=(const LeaderElection&) = delete;

    /// One round: the leader checks that its session answers (if not, it is no longer the
    /// leader); any other instance (re)connects if needed and tries the lock. Logs changes of
    /// role at info and failures at warn (once per outage); never throws.
    boost::asio::awaitable<void> heartbeat();

    /// True while this instance holds the lock, as of the last heartbeat.
    bool leader() const noexcept { return leader_; }

private:
    void lose(const std::string& why);

    boost::asio::any_io_executor executor_;
    pg::ConnectionSettings settings_;
    std::chrono::milliseconds heartbeat_;
    std::int64_t lock_;
    std::unique_ptr<pg::Connection> session_;
    bool leader_ = false;
    bool standing_by_logged_ = false;
    bool failure_logged_ = false;
};

}  // namespace shipd::app
