// check_ready: may `serve` start on this database's schema? (behind, drift, unreachable)
#pragma once

#include <string>

#include "migrate/migrator.hpp"

namespace shipd::migrate {

struct ReadyCheck {
    /// True when the schema is at this binary's head with no drift (or ahead of it: a newer
    /// shipd migrated it; `warning` then says so).
    bool ok = false;
    /// One paragraph: what is wrong and the command to run; or a one-line confirmation.
    std::string message;
    /// A non-fatal finding worth logging (the schema is newer than this binary).
    bool warning = false;
    /// False when the database could not be reached (nothing is known of its schema).
    bool reachable = false;
    /// The status it was judged from (empty when the database was unreachable).
    Status status;
};

/// Connects once, reads the versions table (takes no lock, never throws): behind → not ok,
/// naming the pending revisions, `<command> up` and SHIPD_AUTO_MIGRATE=true; drift → not ok,
/// naming each edited file and `<command> verify`; unreachable → not ok with the reason
/// (no password). `options.revisions` is what the schema is judged against.
ReadyCheck check_ready(const std::string& conninfo, Options options = {});

}  // namespace shipd::migrate
