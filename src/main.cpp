// The shipd command line: serve, config, version (and the commands each module adds).
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "app/app.hpp"
#include "app/commands.hpp"
#include "app/database.hpp"
#include "app/doctor.hpp"
#include "migrate/command.hpp"
#include "config/settings.hpp"
#include "log/log.hpp"
#include "pgembed/local_postgres.hpp"

#ifndef SHIPD_VERSION
#define SHIPD_VERSION "0.0.0"
#endif
#ifndef SHIPD_COMMIT
#define SHIPD_COMMIT "unknown"
#endif

#ifdef SHIPD_MIMALLOC
#include <mimalloc.h>

#include <cstdlib>
#endif

namespace {

// The allocator serving this process's malloc (CMake's SHIPD_MALLOC), checked rather than
// assumed: a block from plain malloc() must come from mimalloc's heap.
std::string allocator_name() {
#ifdef SHIPD_MIMALLOC
    void* p = std::malloc(64);
    const bool ours = mi_is_in_heap_region(p);
    std::free(p);
    const int v = mi_version();
    std::string version = std::to_string(v / 100) + "." + std::to_string(v / 10 % 10) + "." + std::to_string(v % 10);
    return ours ? "mimalloc " + version : "glibc malloc (mimalloc " + version + " linked but not in use)";
#else
    return "glibc malloc";
#endif
}

using shipd::config::LoadResult;

// Prints every problem at once, the way an operator fixes them: all in one go.
void print_problems(const LoadResult& r) {
    std::fprintf(stderr, "shipd: %zu setting%s invalid:\n", r.problems.size(), r.problems.size() == 1 ? " is" : "s are");
    for (const auto& p : r.problems) std::fprintf(stderr, "  - %s\n", p.c_str());
    std::fprintf(stderr, "Fix them in the environment or in .env (see 'shipd config').\n");
}

void print_warnings(const LoadResult& r) {
    for (const auto& w : r.warnings) spdlog::warn("{}", w);
}

int cmd_config(const LoadResult& r) {
    static const char* kSource[] = {"default", ".env", "environment"};
    size_t width = 0;
    for (const auto& e : r.entries) width = std::max(width, e.name.size());
    for (const auto& e : r.entries) {
        std::printf("%-*s  %s  (%s)\n", static_cast<int>(width), e.name.c_str(), e.value.c_str(),
                    kSource[static_cast<int>(e.source)]);
    }
    for (const auto& w : r.warnings) std::printf("warning: %s\n", w.c_str());
    if (!r.problems.empty()) {
        print_problems(r);
        return 2;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"shipd: shipping and tracking backend on PostgreSQL (shipments, rates, labels, tracking)"};
    cli.footer(
        "\nSettings come from the environment and ./.env (the environment wins); the seed's\n"
        "variable names work unchanged (DATABASE_URL, DATABASE_POOL_SIZE, ...). With no\n"
        "DATABASE_URL, shipd runs its own PostgreSQL 15 in SHIPD_DATA_DIR (default ./.shipd).\n\n"
        "Examples:\n"
        "  shipd serve                          serve on 127.0.0.1:8080 with the embedded database\n"
        "  DATABASE_URL=postgresql://u:p@db/ship shipd serve\n"
        "  shipd config                         effective settings, secrets masked\n"
        "  shipd doctor                         settings, connection, the capacity table (live), advice\n"
        "  shipd db status                      sessions by state, idle transactions, capacity line\n"
        "  shipd migrate status                 the schema revision, pending ones, drift\n"
        "  shipd keys create --name billing     a new API key, printed once\n"
        "  shipd demo-data --shipments 10000    realistic shipments with tracking histories\n"
        "  shipd import shipments.ndjson        load NDJSON, one shipment a line\n"
        "  shipd <command> --help               more on one command\n");
    cli.require_subcommand(1);

    auto* serve = cli.add_subcommand("serve", "Serve the HTTP API until SIGINT/SIGTERM (embedded PostgreSQL when DATABASE_URL is unset)");
    serve->footer("\nExit codes: 0 stopped cleanly, 1 could not start (the log says why), 2 invalid settings.");
    auto* config_cmd = cli.add_subcommand("config", "Print every setting's effective value (secrets masked) and where it came from");
    auto* version = cli.add_subcommand("version", "Print the version, the commit it was built from and the allocator serving malloc");

    // Settings are read before parsing: subcommands run inside the parse and need them.
    LoadResult settings = shipd::config::load_from_process();
    shipd::log::setup(settings.settings.log_format, settings.settings.log_level);

    // With no DATABASE_URL, database commands work on the embedded PostgreSQL, started for
    // the command's duration and stopped when shipd exits.
    std::unique_ptr<shipd::pgembed::LocalPostgres> embedded;
    CLI::App* migrate_cmd = nullptr;
    auto database_url = [&]() -> std::string {
        bool migrate_running = migrate_cmd != nullptr && migrate_cmd->parsed();
        if (!settings.problems.empty()) {
            print_problems(settings);
            throw CLI::RuntimeError(2);
        }
        if (!settings.settings.embedded()) return settings.settings.database_url;
        if (!embedded) {
            try {
                embedded = shipd::app::start_embedded(settings.settings);
                // The embedded database is shipd's own: bring it to this binary's schema, as
                // serve does (`migrate` commands decide for themselves, so not for them).
                if (!migrate_running) {
                    shipd::app::prepare_schema(embedded->socket_url(), true, shipd::config::StartupMode::kFail);
                }
            } catch (const std::exception& e) {
                std::fprintf(stderr, "shipd: %s\n", e.what());
                throw CLI::RuntimeError(1);
            }
        }
        // Its Unix socket rather than 127.0.0.1: a few percent less CPU a statement on both
        // sides (bench/RESULTS.md, "A Unix socket to a local database").
        return embedded->socket_url();
    };
    shipd::migrate::CommandOptions migrate_options;
    migrate_options.log = [](shipd::migrate::LogLevel level, const std::string& line) {
        if (level == shipd::migrate::LogLevel::kDebug) {
            spdlog::debug("{}", line);
        } else {
            std::fprintf(stderr, "%s\n", line.c_str());
        }
    };
    migrate_cmd = shipd::migrate::add_migrate_command(cli, database_url, migrate_options);
    shipd::app::add_keys_command(cli, settings.settings, database_url);
    shipd::app::add_data_commands(cli, settings.settings, database_url);
    shipd::app::add_doctor_command(cli, settings, database_url);
    shipd::app::add_db_command(cli, settings.settings, database_url);

    CLI11_PARSE(cli, argc, argv);

    if (version->parsed()) {
        std::printf("shipd %s (%s)\nallocator: %s\n", SHIPD_VERSION, SHIPD_COMMIT, allocator_name().c_str());
        return 0;
    }
    if (config_cmd->parsed()) return cmd_config(settings);
    if (serve->parsed()) {
        if (!settings.problems.empty()) {
            print_problems(settings);
            return 2;
        }
        print_warnings(settings);
        shipd::app::App app(settings.settings);
        return static_cast<int>(app.run());
    }
    return 0;
}
