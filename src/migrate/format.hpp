// Plain-text renderings of migration results, for the command line and logs.
#pragma once

#include <string>
#include <vector>

#include "migrate/migrator.hpp"

namespace shipd::migrate {

/// One line per revision (state, version, name, applied_at), then a summary line: current and
/// head, pending count, drift, and the command to run when something is to be done.
std::string format_status(const Status& status, const std::string& command = "shipd migrate");
/// The versions table as a table: version, name, applied_at, duration, checksum prefix.
std::string format_history(const std::vector<Applied>& history);
/// "applied 0001_initial_schema (12 ms)" lines and "revision 0 -> 5", or "already at revision 5".
std::string format_up(const UpResult& result);
/// "reverted ..." lines and "revision 5 -> 3", or "nothing to revert".
std::string format_down(const DownResult& result);
/// "N applied revision(s) verified" or one paragraph per drifted file.
std::string format_verify(const VerifyResult& result);

}  // namespace shipd::migrate
