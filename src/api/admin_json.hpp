// The JSON of the admin routes, shared with the CLI (`shipd db status --json` prints exactly
// what GET /v1/admin/db/connections answers).
#pragma once

#include <string>

#include "pg/capacity.hpp"
#include "store/admin_store.hpp"

namespace shipd::api {

/// The capacity figures of pg::capacity for a plan and a server, as pg::capacity::table shows.
pg::capacity::ServerFigures capacity_figures(const store::ServerFigures& server);

/// A budget's bottom lines as JSON members, without braces or a leading comma:
/// "available":..,"planned":..,"margin":..,"margin_percent":..(one decimal),"verdict":".."
/// (the /v1/admin/db/connections capacity object and /health's share them).
void write_budget_members(std::string& out, const pg::capacity::Budget& budget);

/// GET /v1/admin/db/connections: the report and the capacity object (figures, verdict, the
/// verdict line, the plan's pools).
std::string connections_json(const store::ConnectionReport& report, const pg::capacity::Plan& plan,
                             const store::ServerFigures& server);

/// GET /v1/admin/db/slow-queries.
std::string slow_queries_json(const store::SlowQueries& slow, int limit);

}  // namespace shipd::api
