// Migrator: applies and reverts revisions on one dedicated connection, under an advisory lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "migrate/error.hpp"
#include "migrate/revision.hpp"

namespace shipd::migrate {

namespace detail {
class PqConnection;
class PqError;
}

/// The table that records applied revisions.
inline constexpr std::string_view kVersionsTable = "shipd_schema_migrations";

/// Key of the session-level advisory lock held for a whole up or down run: the bytes of
/// "shipdmig" read as a big-endian int64. Fixed forever so every shipd version excludes the
/// others; anything else in the database must not use it.
inline constexpr std::int64_t kLockKey = 8316012643381766503;

enum class LogLevel { kDebug, kInfo, kWarning };

struct Options {
    /// The revisions to apply; embedded_revisions() unless a test substitutes its own.
    std::vector<Revision> revisions = embedded_revisions();
    /// How a waiting migrator polls pg_try_advisory_lock. Never a blocking pg_advisory_lock:
    /// a migrator blocked in it sits in a transaction that CREATE INDEX CONCURRENTLY of the
    /// lock holder waits for, and the two deadlock (flyway #1654).
    std::chrono::milliseconds lock_poll_interval{250};
    /// Give up waiting for another migration after this long (ErrorKind::kLockTimeout).
    std::chrono::milliseconds lock_wait_timeout{std::chrono::minutes(10)};
    /// lock_timeout for the revisions' DDL, so a migration waiting on a long transaction
    /// fails instead of queueing every query of the application behind it. 0 = no limit.
    std::chrono::milliseconds ddl_lock_timeout{0};
    /// Progress lines ("applying 0002_all_models", "waiting for the migration lock ...") and
    /// server notices (debug). Empty: silent.
    std::function<void(LogLevel, const std::string&)> log;
    /// The command named in messages, e.g. "shipd migrate" ("... run `shipd migrate up`").
    std::string command = "shipd migrate";
    /// application_name of the dedicated connection (seen in pg_stat_activity).
    std::string application_name = "shipd-migrate";
};

/// One row of the versions table.
struct Applied {
    int version = 0;
    std::string name;
    std::string checksum;
    /// RFC 3339 UTC, as the database stored it.
    std::string applied_at;
    std::int64_t duration_ms = 0;
};

/// An applied revision whose stored checksum differs from the binary's.
struct Drift {
    int version = 0;
    std::string name;
    /// The file that changed: "migrations/0002_all_models.up.sql".
    std::string file;
    std::string stored_checksum;
    std::string expected_checksum;
};

enum class RevisionState {
    kApplied,
    kPending,
    /// Applied, but the up file changed since.
    kDrifted,
    /// Applied by a newer shipd: not among this binary's revisions.
    kUnknown,
};

struct RevisionStatus {
    int version = 0;
    std::string name;
    RevisionState state = RevisionState::kPending;
    /// Set when applied (also for kDrifted and kUnknown).
    std::optional<Applied> applied;
};

struct Status {
    /// Highest applied version (0: none).
    int current = 0;
    /// Highest version this binary knows (0: none).
    int head = 0;
    /// Every known or applied revision, ordered by version.
    std::vector<RevisionStatus> revisions;
    std::vector<int> pending;
    std::vector<Drift> drift;
    /// Applied versions this binary does not know.
    std::vector<int> unknown;

    bool up_to_date() const { return pending.empty() && drift.empty(); }
};

struct Step {
    int version = 0;
    std::string name;
    std::chrono::milliseconds duration{0};
};

struct UpResult {
    int from_version = 0;
    int to_version = 0;
    /// In the order applied; empty when there was nothing to do.
    std::vector<Step> applied;
};

struct DownResult {
    int from_version = 0;
    int to_version = 0;
    /// In the order reverted (newest first).
    std::vector<Step> reverted;
};

struct VerifyResult {
    std::vector<Drift> drift;
    std::vector<int> unknown;
    /// Applied revisions whose checksum matched.
    int verified = 0;
    bool ok() const { return drift.empty(); }
};

/// Runs migrations against one database over one dedicated, synchronous libpq connection,
/// opened on first use. Up and down hold the advisory lock kLockKey for the whole run, so two
/// deploys migrating at once apply every revision once: the second waits, then finds nothing
/// to do. A transactional revision commits together with its versions-table row or not at
/// all; a non-transactional one runs statement by statement and records its row at the end.
/// Not thread-safe; one Migrator per thread. Every method throws MigrateError.
class Migrator {
public:
    /// `conninfo` is a libpq key=value string or a URL (postgresql://, postgres://,
    /// postgresql+asyncpg://). Throws std::invalid_argument when options.revisions is invalid.
    Migrator(std::string conninfo, Options options = {});
    ~Migrator();
    Migrator(const Migrator&) = delete;
    Migrator& operator=(const Migrator&) = delete;

    /// Applied, pending, drifted and unknown revisions. Takes no lock.
    Status status();
    /// The versions table, oldest first. Takes no lock.
    std::vector<Applied> history();
    /// Applies pending revisions up to `to` (default: head). Refuses to run with drift,
    /// unknown applied revisions above the target, or pending revisions older than applied ones.
    UpResult up(std::optional<int> to = std::nullopt);
    /// Reverts applied revisions down to `to` (it stays applied; 0 reverts all) or the last
    /// `steps` of them; neither given: one step. Refuses drift and unknown revisions in range.
    DownResult down(std::optional<int> to = std::nullopt, std::optional<int> steps = std::nullopt);
    /// Compares the checksums of applied revisions with the binary's. Takes no lock.
    VerifyResult verify();

    /// "user@host:port/db" of the target, without the password.
    const std::string& target() const { return target_; }
    const Options& options() const { return options_; }

private:
    class LockGuard;

    detail::PqConnection& connection();
    void log(LogLevel level, const std::string& message) const;
    bool versions_table_exists();
    void ensure_versions_table();
    std::vector<Applied> read_applied();
    Status compute_status(const std::vector<Applied>& applied) const;
    void acquire_lock();
    void release_lock() noexcept;
    void require_no_drift(const Status& status, const char* operation) const;
    std::chrono::milliseconds apply(const Revision& revision);
    std::chrono::milliseconds revert(const Revision& revision);
    std::chrono::milliseconds run(const Revision& revision, bool is_up);
    [[noreturn]] void fail_revision(const Revision& revision, bool is_up, std::size_t statement_offset,
                                    const std::string& statement, const detail::PqError& error,
                                    const std::string& recovery) const;
    const Revision* find(int version) const;

    std::string conninfo_;
    std::string target_;
    Options options_;
    std::unique_ptr<detail::PqConnection> conn_;
};

}  // namespace shipd::migrate
