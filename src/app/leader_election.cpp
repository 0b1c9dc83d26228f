// LeaderElection.
#include "app/leader_election.hpp"

#include <spdlog/spdlog.h>

#include "pg/errors.hpp"

namespace shipd::app {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kTryLock = "SELECT pg_try_advisory_lock($1::bigint)";

// The server ends the election session after this many heartbeats without a word from it:
// one late heartbeat must not cost the leadership, a dead leader must not keep it for long.
constexpr int kIdleHeartbeats = 3;
// The leader's check of its session may take this long, however short the heartbeat (a busy
// server is not a lost session).
constexpr std::chrono::milliseconds kPingDeadline{5000};

}  // namespace

LeaderElection::LeaderElection(asio::any_io_executor executor, pg::ConnectionSettings connection,
                               std::chrono::milliseconds heartbeat, std::int64_t lock)
    : executor_(std::move(executor)), settings_(std::move(connection)), heartbeat_(heartbeat), lock_(lock) {
    settings_.application_name += "/election";
    // A SET at connect, after the operator's own server settings: this session only.
    if (!settings_.server_settings.empty()) settings_.server_settings += ',';
    settings_.server_settings += "idle_session_timeout=" + std::to_string(kIdleHeartbeats * heartbeat_.count());
    // One statement, run again and again: not worth a prepared statement per session.
    settings_.statement_cache_size = 0;
}

LeaderElection::~LeaderElection() = default;

void LeaderElection::lose(const std::string& why) {
    if (leader_) {
        spdlog::warn("background jobs: this instance is no longer the leader ({}); another instance takes over", why);
    } else if (!failure_logged_) {
        spdlog::warn("background jobs: leader election cannot reach the database ({}); retrying every {} ms", why,
                     heartbeat_.count());
    }
    failure_logged_ = true;
    leader_ = false;
    session_.reset();
}

asio::awaitable<void> LeaderElection::heartbeat() {
    std::string failure;
    try {
        if (session_ && session_->broken()) session_.reset();
        if (leader_ && session_) {
            co_await session_->ping(pg::Connection::Clock::now() + std::max(heartbeat_, kPingDeadline));
            co_return;
        }
        if (leader_) throw pg::ConnectionError("the election session was lost");
        if (!session_) session_ = co_await pg::Connection::connect(executor_, settings_);
        auto taken = co_await session_->execute(kTryLock, lock_);
        failure_logged_ = false;
        if (taken.scalar<bool>()) {
            leader_ = true;
            standing_by_logged_ = false;
            spdlog::info("background jobs: this instance is the leader (session advisory lock {}); it runs them", lock_);
        } else if (!standing_by_logged_) {
            standing_by_logged_ = true;
            spdlog::info("background jobs: another instance is the leader; this one stands by and checks every {} ms",
                         heartbeat_.count());
        }
    } catch (const std::exception& e) {
        failure = e.what();
        if (failure.empty()) failure = "unknown error";
    }
    if (!failure.empty()) lose(failure);
}

}  // namespace shipd::app
