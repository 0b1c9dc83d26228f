// `shipd db status`: who is connected (the seed's monitoring query) and the capacity line.
#include <boost/asio/awaitable.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "api/admin_json.hpp"
#include "app/capacity_check.hpp"
#include "app/doctor.hpp"
#include "app/one_off_cluster.hpp"
#include "store/admin_store.hpp"

namespace shipd::app {

namespace {

struct Status {
    store::ConnectionReport report;
    store::ServerFigures figures;
};

void print_human(const Status& st, const pg::capacity::Plan& plan) {
    const auto& r = st.report;
    std::printf("database %s: %lld session(s); the server: %lld of max_connections %lld\n\n", r.database.c_str(),
                static_cast<long long>(r.total), static_cast<long long>(r.server_total),
                static_cast<long long>(r.max_connections));
    std::size_t state_w = 5;
    std::size_t app_w = 11;
    for (const auto& g : r.groups) {
        state_w = std::max(state_w, g.state.size());
        app_w = std::max(app_w, g.application_name.size());
    }
    const int sw = static_cast<int>(state_w);
    const int aw = static_cast<int>(app_w);
    std::printf("%-*s  %-*s  %11s\n", sw, "state", aw, "application", "connections");
    for (const auto& g : r.groups) {
        std::printf("%-*s  %-*s  %11lld\n", sw, g.state.c_str(), aw, g.application_name.empty() ? "-" : g.application_name.c_str(),
                    static_cast<long long>(g.connections));
    }
    if (r.idle_in_transaction.empty()) {
        std::printf("\nidle in transaction: none\n");
    } else {
        std::printf("\nidle in transaction: %zu session(s) hold a transaction open doing nothing (locks, vacuum held back); "
                    "investigate:\n",
                    r.idle_in_transaction.size());
        for (const auto& s : r.idle_in_transaction) {
            std::printf("  pid %d  %s  for %.1f s  last statement: %s\n", s.pid,
                        s.application_name.empty() ? "-" : s.application_name.c_str(), s.seconds, s.query.c_str());
        }
        std::printf("  (end one with SELECT pg_terminate_backend(PID))\n");
    }
    std::printf("\ncapacity %s\n", pg::capacity::verdict_line(plan, api::capacity_figures(st.figures)).c_str());
}

}  // namespace

void add_db_command(CLI::App& app, const config::Settings& settings, std::function<std::string()> database_url) {
    auto* db = app.add_subcommand("db", "Look at the database: `db status`");
    db->require_subcommand(1);
    auto* status = db->add_subcommand("status", "Sessions by state and application, sessions idle in a transaction, the capacity line");
    auto as_json = std::make_shared<bool>(false);
    status->add_flag("--json", *as_json, "Print GET /v1/admin/db/connections' JSON instead of tables");
    status->footer("\npg_stat_activity of shipd's database grouped by state and application (the seed review's\n"
                   "monitoring query; 'idle in transaction' should be 0), every session idle in a transaction with\n"
                   "its age and last statement, and the capacity verdict of this environment's settings (the table:\n"
                   "`shipd doctor`).\n\nExit codes: 0 shown, 1 could not connect or query, 2 invalid settings.");
    status->callback([&settings, database_url, as_json] {
        std::string url = database_url();
        Status st;
        try {
            st = with_cluster<Status>(settings, url, [](pg::Cluster& c) -> boost::asio::awaitable<Status> {
                Status out;
                out.report = co_await store::connection_report(c.read());
                out.figures = co_await store::server_figures(c.read());
                co_return out;
            });
        } catch (const std::exception& e) {
            std::fprintf(stderr, "shipd db status: %s\n", e.what());
            throw CLI::RuntimeError(1);
        }
        pg::capacity::Plan plan = configured_plan(settings, url);
        if (*as_json) {
            std::printf("%s\n", api::connections_json(st.report, plan, st.figures).c_str());
        } else {
            print_human(st, plan);
        }
    });
}

}  // namespace shipd::app
