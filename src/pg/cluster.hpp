// Cluster: the pools of one event loop (primary for the API, bulk for batch work) and the
// routing point for reads (read() → primary until replicas exist).
//
// One Cluster per event-loop thread, like its pools (see pool.hpp): not thread-safe.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <vector>

#include "pg/pool.hpp"
#include "pg/settings.hpp"

namespace shipd::pg {

struct ClusterSettings {
    /// The primary's connection (DATABASE_URL and the DATABASE_* session knobs).
    ConnectionSettings connection;
    /// The API pool.
    PoolSettings primary;
    /// The batch pool (imports, analytics refresh), so batch work never starves the API.
    PoolSettings bulk = PoolSettings::bulk();
    /// DB_STARTUP_MODE, applied to every pool (overrides the pools' own field).
    StartupMode startup_mode = StartupMode::kDegrade;
};

/// What /health shows: healthy when no pool knows the database to be down.
struct HealthSnapshot {
    bool healthy = true;
    std::vector<PoolStats> pools;
};

class Cluster {
public:
    /// Creates the pools on `executor` (no I/O yet). Throws std::invalid_argument for malformed
    /// server settings.
    Cluster(boost::asio::any_io_executor executor, ClusterSettings settings);
    /// Closes the pools.
    ~Cluster();
    Cluster(const Cluster&) = delete;
    Cluster& operator=(const Cluster&) = delete;

    /// Starts every pool under the startup mode: kFail throws DatabaseUnavailable with the
    /// reason (password-free); kDegrade logs and lets the pools heal by themselves.
    boost::asio::awaitable<void> start();

    /// For statements that write (and reads that must see the latest writes).
    Pool& write() noexcept { return *primary_; }
    /// For reads; the primary until read replicas are configured.
    Pool& read() noexcept { return *primary_; }
    /// For batch work.
    Pool& bulk() noexcept { return *bulk_; }

    HealthSnapshot health() const;
    /// Closes every pool (idempotent).
    void close();

private:
    std::shared_ptr<Pool> primary_;
    std::shared_ptr<Pool> bulk_;
};

}  // namespace shipd::pg
