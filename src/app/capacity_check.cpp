// The capacity guardrail at start and for the CLI.
#include "app/capacity_check.hpp"

#include <spdlog/spdlog.h>

#include "app/app.hpp"
#include "app/module_settings.hpp"
#include "app/one_off_cluster.hpp"

namespace shipd::app {

namespace capacity = pg::capacity;

pg::capacity::Plan capacity_plan(const config::Settings& settings, const pg::ClusterSettings& per_loop, int loops) {
    capacity::Plan plan;
    plan.pools = {capacity::pool_plan(per_loop.primary), capacity::pool_plan(per_loop.bulk)};
    plan.loops = loops;
    plan.instances = settings.instances;
    plan.sessions = 1;  // the leader election's session (app/leader_election), outside the pools
    return plan;
}

pg::capacity::Plan configured_plan(const config::Settings& settings, const std::string& database_url) {
    int loops = loop_count(settings);
    return capacity_plan(settings, cluster_settings(settings, database_url, loops), loops);
}

std::string plan_as_settings(const config::Settings& settings, const pg::capacity::Plan& plan) {
    std::string out;
    for (const auto& p : plan.pools) {
        auto total = [&](std::size_t per_loop) { return std::to_string(per_loop * static_cast<std::size_t>(plan.loops)); };
        if (p.name == "primary") {
            out += "DATABASE_POOL_SIZE=" + total(p.size) + " DATABASE_MAX_OVERFLOW=" + total(p.max_overflow);
        } else if (p.name == "bulk") {
            out += " BULK_POOL_MAX_SIZE=" + total(p.max());
            if (static_cast<std::size_t>(settings.bulk_pool_min_size) > p.max() * static_cast<std::size_t>(plan.loops)) {
                out += " BULK_POOL_MIN_SIZE=" + total(p.max());
            }
        }
    }
    return out;
}

std::optional<store::ServerFigures> read_server_figures(const config::Settings& settings, const std::string& database_url) {
    try {
        return with_cluster<store::ServerFigures>(settings, database_url,
                                                  [](pg::Cluster& c) { return store::server_figures(c.read()); });
    } catch (const std::exception& e) {
        spdlog::warn("capacity: cannot read the server's connection figures ({}); not checked", e.what());
        return std::nullopt;
    }
}

pg::capacity::Plan check_capacity_at_start(const config::Settings& settings, const std::string& database_url,
                                           pg::ClusterSettings& per_loop, int loops) {
    capacity::Plan plan = capacity_plan(settings, per_loop, loops);
    auto server = read_server_figures(settings, database_url);
    if (!server) return plan;
    capacity::ServerFigures figures{server->max_connections, server->reserved, server->others};
    auto verdict = capacity::assess(plan, figures).verdict;
    bool enforce = settings.capacity_policy == config::CapacityPolicy::kEnforce;
    if (verdict == capacity::Verdict::kOk) {
        spdlog::info("capacity {}", capacity::verdict_line(plan, figures));
        return plan;
    }
    if (!enforce) {
        spdlog::warn("capacity {} (SHIPD_CAPACITY_POLICY=warn; `shipd doctor` shows the table)",
                     capacity::verdict_line(plan, figures));
        return plan;
    }
    capacity::Fit fit = capacity::fit(plan, figures);
    if (!fit.changed) {
        spdlog::info("capacity {}", capacity::verdict_line(plan, figures));
        return plan;
    }
    for (auto* pool : {&per_loop.primary, &per_loop.bulk}) {
        for (const auto& p : fit.plan.pools) {
            if (p.name == pool->name) capacity::apply(p, *pool);
        }
    }
    std::string changes;
    for (const auto& c : fit.changes) changes += (changes.empty() ? "" : "; ") + c;
    spdlog::warn("capacity: SHIPD_CAPACITY_POLICY=enforce shrank the pools to fit {} connections a loop × {} loop(s) × {} "
                 "instance(s): {}; now {} (as settings: {})",
                 fit.loop_budget, loops, settings.instances, changes, capacity::verdict_line(fit.plan, figures),
                 plan_as_settings(settings, fit.plan));
    if (!fit.fits) {
        spdlog::error("capacity: even one connection a pool is more than the server can give; raise max_connections or "
                      "lower SHIPD_THREADS / SHIPD_INSTANCES");
    }
    return fit.plan;
}

}  // namespace shipd::app
