// `shipd migrate ...`: the command-line registration of the migration engine (CLI11).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>
#include <string>

#include "migrate/migrator.hpp"

namespace shipd::migrate {

/// Exit codes of `shipd migrate` (besides CLI11's own for usage errors).
enum class ExitCode : int {
    kOk = 0,
    /// A revision failed (the message names the file, line and recovery), or another error.
    kFailed = 1,
    /// A bad --to / --steps for this database.
    kInvalidArgument = 2,
    /// verify found drift, or up/down refused to run because of it.
    kDrift = 3,
    /// Another migration held the lock past --lock-timeout.
    kLockTimeout = 4,
    /// The database could not be reached.
    kUnreachable = 5,
    /// The database has revisions this binary does not know, or revisions out of order.
    kInconsistent = 6,
};

/// Exit code for an error kind.
ExitCode exit_code_for(ErrorKind kind);

struct CommandOptions {
    /// Results (status tables, "applied ..." lines).
    std::ostream* out = nullptr;  // nullptr: std::cout
    /// Progress and errors.
    std::ostream* err = nullptr;  // nullptr: std::cerr
    /// Replaces the default progress printer (to err) when set, e.g. to route it to the logger.
    std::function<void(LogLevel, const std::string&)> log;
    /// Base options (revisions, poll interval); --lock-timeout overrides lock_wait_timeout.
    Options migrator;
};

/// Adds `migrate up [--to REV] | down [--to REV | --steps N] | status | history | verify` to
/// `app`. `database_url` is called when a subcommand runs (after settings are loaded); it may
/// return a URL or a libpq conninfo. Failures print one paragraph to err and throw
/// CLI::RuntimeError carrying the ExitCode, so main's `catch (const CLI::ParseError& e)
/// { return app.exit(e); }` returns it. Returns the `migrate` subcommand.
CLI::App* add_migrate_command(CLI::App& app, std::function<std::string()> database_url,
                              CommandOptions options = {});

}  // namespace shipd::migrate
