// MigrateError: why a migration run stopped, with a message a person can act on.
#pragma once

#include <stdexcept>
#include <string>

namespace shipd::migrate {

enum class ErrorKind {
    /// The database cannot be reached (or the connection broke).
    kConnection,
    /// Another migration held the lock for longer than Options::lock_wait_timeout.
    kLockTimeout,
    /// An applied revision's checksum differs from the binary's (an edited file).
    kDrift,
    /// The database has revisions this binary does not know (a newer shipd migrated it).
    kUnknownRevision,
    /// A pending revision is older than an applied one (revisions merged out of order).
    kOutOfOrder,
    /// A revision's SQL failed; the message names the file, the line and the recovery.
    kRevisionFailed,
    /// A bad target: --to a version that does not exist, negative --steps.
    kInvalidArgument,
};

/// Thrown by Migrator for anything that aborts a run. what() is complete, one paragraph, and
/// never contains a password.
class MigrateError : public std::runtime_error {
public:
    MigrateError(ErrorKind kind, const std::string& message)
        : std::runtime_error(message), kind_(kind) {}
    ErrorKind kind() const { return kind_; }

private:
    ErrorKind kind_;
};

}  // namespace shipd::migrate
