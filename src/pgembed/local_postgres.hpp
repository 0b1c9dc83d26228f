// LocalPostgres: a PostgreSQL 15 cluster that shipd owns (initdb, configure, start, stop,
// reuse, stale pid recovery), for the embedded default and for the test harness.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "pgembed/detail/process.hpp"

struct pg_conn;

namespace shipd::pgembed {

/// A failure a person can act on; what() is one line that says what to do.
class LocalPostgresError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct LocalPostgresOptions {
    /// Everything lives below it: pgdata/ (the cluster), run/ (socket), password, lock, log.
    std::filesystem::path data_dir;
    /// Tried first; when taken, the next free ports after it, then any free port.
    int preferred_port = 55432;
    std::string superuser = "shipd";
    /// Created on first start (besides `postgres`).
    std::string database = "shipd";
    /// Extra postgresql.conf settings, written at every start.
    std::vector<std::pair<std::string, std::string>> settings;
    /// Off only for throwaway test clusters: no fsync, no full page writes.
    bool durable = true;
    std::chrono::seconds start_timeout{60};
    /// Where initdb / pg_ctl / postgres live; empty: find_bindir().
    std::filesystem::path bindir;
};

/// The PostgreSQL 15 server binaries: $SHIPD_PG_BINDIR, else /usr/lib/postgresql/15/bin.
/// Throws LocalPostgresError naming the package to install when absent.
std::filesystem::path find_bindir();

/// An owned PostgreSQL cluster. The data directory is locked for this object's lifetime, so a
/// second owner (another shipd on the same directory) gets a clear error instead of sharing it.
/// Not thread-safe. The destructor stops a server this object started.
class LocalPostgres {
public:
    explicit LocalPostgres(LocalPostgresOptions options);
    ~LocalPostgres();
    LocalPostgres(const LocalPostgres&) = delete;
    LocalPostgres& operator=(const LocalPostgres&) = delete;

    /// initdb on first use, recover from a stale postmaster.pid or an orphaned server of a killed
    /// owner, pick a free port, start and wait until it accepts connections.
    /// Throws LocalPostgresError (port, permissions, missing binaries, in use by another owner).
    void start();

    /// Fast shutdown (rolls back open transactions, waits for the server to exit). Idempotent.
    void stop();

    bool running() const { return running_; }
    /// True when the last start() created the cluster (the first start).
    bool created() const { return created_; }
    int port() const { return port_; }
    const std::filesystem::path& data_dir() const { return options_.data_dir; }
    std::filesystem::path pgdata() const { return options_.data_dir / "pgdata"; }
    std::filesystem::path socket_dir() const { return options_.data_dir / "run"; }
    std::filesystem::path log_file() const { return options_.data_dir / "postgres.log"; }

    /// postgresql://USER:PASSWORD@127.0.0.1:PORT/DB (DB defaults to options.database).
    std::string url(const std::string& database = {}) const;
    /// The same server through its Unix socket (postgresql://USER:PASSWORD@/DB?host=DIR&port=PORT,
    /// DIR percent-encoded): what shipd itself uses, a few percent less CPU a statement than
    /// loopback TCP. url() when the data directory's path is too long for a socket.
    std::string socket_url(const std::string& database = {}) const;
    /// True when the server listens on a Unix socket in socket_dir() (the path fits sun_path).
    bool has_socket() const;
    /// The same in libpq key=value form.
    std::string conninfo(const std::string& database = {}) const;

private:
    void acquire_lock();
    void check_reachable() const;
    void init_cluster();
    void write_config() const;
    void recover_stale_pid();
    int choose_port() const;
    void create_database_if_missing();
    void create_database(pg_conn* conn);
    void create_stat_statements();
    detail::ProcessResult pg_ctl(const std::vector<std::string>& args) const;
    std::filesystem::path bin(const char* name) const { return bindir_ / name; }

    LocalPostgresOptions options_;
    std::filesystem::path bindir_;
    std::optional<detail::RunAs> run_as_;
    int lock_fd_ = -1;
    int port_ = 0;
    std::string password_;
    bool running_ = false;
    bool created_ = false;
};

/// True when something already listens on 127.0.0.1:port.
bool port_in_use(int port);

}  // namespace shipd::pgembed
