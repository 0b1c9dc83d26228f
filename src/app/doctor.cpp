// `shipd doctor`: settings, connectivity, the capacity table from live figures, advice.
#include "app/doctor.hpp"

#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "app/app.hpp"
#include "app/capacity_check.hpp"
#include "app/one_off_cluster.hpp"
#include "config/dsn.hpp"
#include "pg/errors.hpp"
#include "pg/settings.hpp"
#include "store/admin_store.hpp"

namespace shipd::app {

namespace capacity = pg::capacity;

namespace {

// Past about 4 connections a database core, more connections queue for CPU instead of
// running faster (bench/RESULTS.md); advice starts at twice that, where it clearly hurts.
constexpr int kConnectionsPerCore = 4;

const char* policy_name(config::CapacityPolicy p) { return p == config::CapacityPolicy::kEnforce ? "enforce" : "warn"; }

std::string plural(long long n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// The jit value DATABASE_SERVER_SETTINGS sets, "" when it leaves jit to the server.
std::string jit_from_settings(const config::Settings& s) {
    std::string value;
    try {
        for (const auto& [k, v] : pg::parse_server_settings(s.server_settings)) {
            if (k == "jit") value = v;
        }
    } catch (const std::exception&) {
    }
    return value;
}

// `text` in lines of at most kWidth columns (by bytes: a few UTF-8 signs make a line shorter).
std::string wrap(const std::string& text, const std::string& first, const std::string& rest) {
    constexpr std::size_t kWidth = 100;
    std::string out = first;
    std::size_t column = first.size();
    bool line_empty = true;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t end = std::min(text.find(' ', i), text.size());
        std::string_view word(text.data() + i, end - i);
        i = end + 1;
        if (!line_empty && column + 1 + word.size() > kWidth) {
            out += '\n';
            out += rest;
            column = rest.size();
            line_empty = true;
        }
        if (!line_empty) {
            out += ' ';
            ++column;
        }
        out += word;
        column += word.size();
        line_empty = false;
    }
    return out;
}

std::vector<std::string> advice(const config::Settings& s, const store::ServerFigures& f, const capacity::Plan& plan) {
    std::vector<std::string> out;
    if (!f.stat_statements_loaded) {
        out.push_back("pg_stat_statements is not loaded, so GET /v1/admin/db/slow-queries cannot name slow statements: add it "
                      "to shared_preload_libraries in postgresql.conf, restart PostgreSQL, then CREATE EXTENSION "
                      "pg_stat_statements (the embedded PostgreSQL does both)");
    } else if (!f.stat_statements_created) {
        out.push_back("pg_stat_statements is loaded but not created in this database: CREATE EXTENSION pg_stat_statements "
                      "(as a superuser) so GET /v1/admin/db/slow-queries can read it");
    }
    if (f.jit) {
        std::string from = jit_from_settings(s).empty() ? "the server has jit=on (PostgreSQL's default)"
                                                        : "DATABASE_SERVER_SETTINGS sets jit=on (the seed's default)";
        std::string line = from + ": JIT compiles a query whose cost estimate passes jit_above_cost, adding tens to "
                                  "hundreds of milliseconds to the very queries the planner misjudges, and shipd's are short "
                                  "OLTP statements that never gain from it. Set DATABASE_SERVER_SETTINGS=jit=off,timezone=UTC";
        if (!f.jit_available) line += " (this server has no LLVM, so it is inactive today, but a package upgrade would turn it on)";
        out.push_back(line);
    }
    if (f.idle_session_timeout_ms > 0 && f.idle_session_timeout_ms < static_cast<std::int64_t>(s.pool_recycle_s) * 1000) {
        out.push_back("the server ends sessions idle for " + std::to_string(f.idle_session_timeout_ms / 1000) +
                      " s (idle_session_timeout), sooner than DATABASE_POOL_RECYCLE (" + std::to_string(s.pool_recycle_s) +
                      " s): pooled connections that sit idle are cut and reopened on checkout. Set DATABASE_POOL_RECYCLE "
                      "below " + std::to_string(f.idle_session_timeout_ms / 1000) + ", or idle_session_timeout = 0 for shipd's role");
    }
    int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::int64_t guide = static_cast<std::int64_t>(kConnectionsPerCore) * cores;
    if (plan.total() > 2 * guide) {
        std::string assumed = f.local ? "the server runs on this machine, which has " + plural(cores, "core")
                                      : "assuming the server has as many cores as this machine, " + std::to_string(cores) +
                                            " (SQL cannot tell the server's own count)";
        out.push_back("the pools may run " + std::to_string(plan.total()) + " statements at once; " + assumed +
                      ": about " + std::to_string(guide) + " connections (4 a core) is where throughput peaks. Measured "
                      "on a 2-core machine (bench/RESULTS.md): 8 connections gave 7,427 req/s at p99 16.5 ms, the seed's "
                      "20 + 30 gave 3,016-3,971 req/s at p99 35-52 ms. Lower DATABASE_POOL_SIZE and DATABASE_MAX_OVERFLOW "
                      "toward " + std::to_string(guide) + " over all loops and instances");
    }
    return out;
}

int run_doctor(const config::LoadResult& loaded, const std::function<std::string()>& database_url) {
    const config::Settings& s = loaded.settings;
    std::printf("shipd doctor\n\n");
    if (!loaded.problems.empty()) {
        std::printf("settings   %s invalid:\n", plural(static_cast<long long>(loaded.problems.size()), "setting").c_str());
        for (const auto& p : loaded.problems) std::printf("  - %s\n", p.c_str());
        std::printf("\ndoctor: FAIL, invalid settings; fix them in the environment or .env (see `shipd config`) (exit 2)\n");
        return static_cast<int>(DoctorExit::kBadSettings);
    }
    std::printf("settings   ok%s\n", s.embedded() ? " (DATABASE_URL unset: the embedded PostgreSQL)" : "");
    for (const auto& w : loaded.warnings) std::printf("  warning: %s\n", w.c_str());
    std::fflush(stdout);

    std::string url;
    try {
        url = database_url();
    } catch (const CLI::RuntimeError&) {
        std::printf("database   cannot start the embedded PostgreSQL (see above)\n\ndoctor: FAIL, no database (exit 4)\n");
        return static_cast<int>(DoctorExit::kCannotConnect);
    }
    store::ServerFigures figures;
    auto started = std::chrono::steady_clock::now();
    try {
        figures = with_cluster<store::ServerFigures>(s, url, [](pg::Cluster& c) { return store::server_figures(c.read()); });
    } catch (const pg::DatabaseUnavailable& e) {
        std::printf("database   %s: cannot connect: %s\n\ndoctor: FAIL, cannot connect; check DATABASE_URL, that the server "
                    "runs and accepts this user (exit 4)\n",
                    config::mask_dsn(url).c_str(), e.what());
        return static_cast<int>(DoctorExit::kCannotConnect);
    } catch (const std::exception& e) {
        std::printf("database   %s: connected, but reading the server's figures failed: %s\n\ndoctor: FAIL (exit 1)\n",
                    config::mask_dsn(url).c_str(), e.what());
        return static_cast<int>(DoctorExit::kFailure);
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    std::printf("database   %s: PostgreSQL %s, %s, connected and read in %.1f ms\n", config::mask_dsn(url).c_str(),
                figures.server_version.c_str(), figures.local ? "on this machine" : "remote", ms);

    capacity::Plan plan = configured_plan(s, url);
    capacity::ServerFigures server = {figures.max_connections, figures.reserved, figures.others};
    capacity::Budget budget = capacity::assess(plan, server);
    std::printf("\nconnection capacity: SHIPD_INSTANCES=%d × %s a process (SHIPD_THREADS=%d), each loop with its own pools\n",
                s.instances, plural(plan.loops, "event loop").c_str(), s.threads);
    for (const auto& line : capacity::table(plan, server)) std::printf("  %s\n", line.c_str());
    std::printf("  (%s named shipd/* connected now, this check's included: the plan counts shipd's, so they are not others)\n",
                plural(figures.shipd_sessions, "session").c_str());
    std::printf("\n%s\n", wrap(capacity::verdict_line(plan, server), "", "  ").c_str());
    if (budget.verdict != capacity::Verdict::kOk) {
        capacity::Fit fit = capacity::fit(plan, server);
        if (fit.fits) {
            std::printf("fits with a %.0f %% margin: %s\n  (what SHIPD_CAPACITY_POLICY=enforce would start with; the policy is %s)\n",
                        capacity::kMinMarginPercent, plan_as_settings(s, fit.plan).c_str(), policy_name(s.capacity_policy));
        } else {
            std::printf("even one connection a pool a loop is too many: raise max_connections or lower SHIPD_THREADS / SHIPD_INSTANCES\n");
        }
    }

    auto tips = advice(s, figures, plan);
    if (!tips.empty()) {
        std::printf("\nadvice\n");
        for (const auto& t : tips) std::printf("%s\n", wrap(t, "  - ", "    ").c_str());
    }
    std::string extra = tips.empty() ? "" : ", " + plural(static_cast<long long>(tips.size()), "piece") + " of advice";
    switch (budget.verdict) {
        case capacity::Verdict::kExceeds:
            std::printf("\ndoctor: FAIL, the pools may ask for more connections than the server can give%s (exit 3)\n", extra.c_str());
            return static_cast<int>(DoctorExit::kExceeds);
        case capacity::Verdict::kLowMargin:
            std::printf("\ndoctor: WARN, capacity margin below %.0f %%%s (exit 0)\n", capacity::kMinMarginPercent, extra.c_str());
            return static_cast<int>(DoctorExit::kOk);
        case capacity::Verdict::kOk: break;
    }
    std::printf("\ndoctor: ok%s (exit 0)\n", extra.c_str());
    return static_cast<int>(DoctorExit::kOk);
}

}  // namespace

void add_doctor_command(CLI::App& app, const config::LoadResult& loaded, std::function<std::string()> database_url) {
    auto* doctor = app.add_subcommand(
        "doctor", "Check the settings, the database connection and the connection capacity (the seed review's table, live)");
    doctor->footer(
        "\nWhat it does:\n"
        "  1. validates every setting (as `shipd config` and `serve` do);\n"
        "  2. connects (starting the embedded PostgreSQL when DATABASE_URL is unset);\n"
        "  3. prints the capacity table from live figures: max_connections, the connections\n"
        "     reserved for superusers, sessions of other clients now, and what shipd's pools may\n"
        "     open: each pool's maximum (primary: DATABASE_POOL_SIZE + DATABASE_MAX_OVERFLOW,\n"
        "     bulk: BULK_POOL_MAX_SIZE), shared out over the event loops of a process (each\n"
        "     loop has its own pools; SHIPD_THREADS), times SHIPD_INSTANCES; then the margin.\n"
        "     Below 20 % it warns; above the server's limit it fails and prints settings that fit;\n"
        "  4. advises on server settings worth changing: pg_stat_statements missing, jit on,\n"
        "     an idle_session_timeout shorter than DATABASE_POOL_RECYCLE, far more connections\n"
        "     than the server has cores.\n\n"
        "Run it with the environment (and .env) that `shipd serve` gets, e.g.\n"
        "  SHIPD_INSTANCES=4 DATABASE_URL=postgresql://u:p@db/ship shipd doctor\n\n"
        "Exit codes: 0 ok (also with a low-margin warning or advice), 2 invalid settings,\n"
        "3 the pools may exceed what the server can give, 4 cannot connect (or start the\n"
        "embedded PostgreSQL), 1 connected but a query failed.");
    doctor->callback([&loaded, database_url] {
        int code = run_doctor(loaded, database_url);
        std::fflush(stdout);
        if (code != 0) throw CLI::RuntimeError(code);
    });
}

}  // namespace shipd::app
