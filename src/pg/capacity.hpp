// Capacity: the connection budget of the seed review's table ("Connection limit close to
// PostgreSQL maximum"), as pure arithmetic over figures. `shipd doctor`, `shipd db status`,
// GET /v1/admin/db/connections and serve's start (SHIPD_CAPACITY_POLICY) all use these
// functions and nothing else, so they can never disagree. No I/O here: the live figures come
// from store::server_figures.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "pg/settings.hpp"

namespace shipd::pg::capacity {

/// The margin below which the plan is a warning (the review: 18 % was "near the limit").
inline constexpr double kMinMarginPercent = 20.0;

/// One pool of one event loop: `size` kept while idle, `max_overflow` more under load.
struct PoolPlan {
    std::string name;
    std::size_t size = 0;
    std::size_t max_overflow = 0;
    std::size_t max() const { return size + max_overflow; }
};

/// What shipd may open: every loop of every process has all of `pools`.
struct Plan {
    std::vector<PoolPlan> pools;  ///< one loop's pools, in priority order (primary first)
    int loops = 1;                ///< event loops per process (each has its own pools)
    int instances = 1;            ///< SHIPD_INSTANCES
    /// Sessions a process holds outside its pools (serve: the leader election's, 1).
    int sessions = 0;
    /// Connections of one loop, of one process, and of every instance.
    std::int64_t per_loop() const;
    std::int64_t per_process() const { return per_loop() * loops + sessions; }
    std::int64_t total() const { return per_process() * instances; }
};

/// What the server can give, read live.
struct ServerFigures {
    std::int64_t max_connections = 0;
    std::int64_t reserved = 0;  ///< superuser_reserved_connections (+ reserved_connections, PG 16+)
    std::int64_t others = 0;    ///< client sessions now that are not shipd's (nor this check's)
};

enum class Verdict {
    kOk,         ///< fits with at least kMinMarginPercent to spare
    kLowMargin,  ///< fits, with less
    kExceeds,    ///< shipd could ask for more connections than the server can give
};

/// The table's bottom lines.
struct Budget {
    std::int64_t available = 0;  ///< max_connections - reserved - others
    std::int64_t planned = 0;    ///< Plan::total()
    std::int64_t margin = 0;     ///< available - planned (negative when exceeded)
    double margin_percent = 0;   ///< margin / available × 100 (-100 when nothing is available)
    Verdict verdict = Verdict::kOk;
};

Budget assess(const Plan& plan, const ServerFigures& server);

/// "ok", "warn", "exceeds" (for JSON).
const char* verdict_name(Verdict verdict);

/// What SHIPD_CAPACITY_POLICY=enforce does: the pools shrunk so that every loop of every
/// instance fits in the available connections less a kMinMarginPercent margin. The budget of
/// one loop is shared out in `pools` order (the primary first), overflow given up before
/// size, and never below one connection a pool. An already fitting plan comes back unchanged.
struct Fit {
    Plan plan;                         ///< the shrunk (or unchanged) plan
    bool changed = false;
    bool fits = true;                  ///< false: even one connection a pool is too many
    std::int64_t loop_budget = 0;      ///< connections one loop may have
    std::vector<std::string> changes;  ///< "primary 50 → 9 (size 20 → 9, overflow 30 → 0)"
};

Fit fit(const Plan& plan, const ServerFigures& server);

/// The review's table, aligned, one string per line (no trailing newline), e.g.
///   pool primary        50   20 + 30 overflow a loop × 1 loop × 1 instance
///   ...
///   margin              13   13.7 % of available (warn below 20 %)
std::vector<std::string> table(const Plan& plan, const ServerFigures& server);

/// One line: "ok: ...", "WARN: ...", "FAIL: ..." naming the figures and, unless ok, the fix.
std::string verdict_line(const Plan& plan, const ServerFigures& server);

/// A plan's pools as PoolPlans, and back: `apply` sets size and max_overflow (and lowers
/// min_size to size) of the settings named like the plan's pools.
PoolPlan pool_plan(const PoolSettings& settings);
void apply(const PoolPlan& plan, PoolSettings& settings);

}  // namespace shipd::pg::capacity
