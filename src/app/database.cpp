// The embedded PostgreSQL and the pre-serve schema step.
#include "app/database.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "migrate/migrator.hpp"
#include "migrate/readiness.hpp"

namespace shipd::app {

std::unique_ptr<pgembed::LocalPostgres> start_embedded(const config::Settings& settings) {
    pgembed::LocalPostgresOptions o;
    o.data_dir = settings.data_dir;
    o.preferred_port = settings.embedded_pg_port;
    auto pg = std::make_unique<pgembed::LocalPostgres>(o);
    spdlog::info("starting embedded PostgreSQL in {}", std::filesystem::absolute(settings.data_dir).string());
    pg->start();
    spdlog::info("embedded PostgreSQL {} on 127.0.0.1:{}{} (log: {})",
                 pg->created() ? "created and started" : "started", pg->port(),
                 pg->has_socket() ? " and the Unix socket in " + pg->socket_dir().string() + ", which shipd uses" : "",
                 pg->log_file().string());
    return pg;
}

namespace {

int head_revision() {
    const auto& revisions = migrate::embedded_revisions();
    return revisions.empty() ? 0 : revisions.back().version;
}

migrate::Options migrate_options() {
    migrate::Options o;
    o.log = [](migrate::LogLevel level, const std::string& line) {
        switch (level) {
            case migrate::LogLevel::kDebug: spdlog::debug("migrate: {}", line); break;
            case migrate::LogLevel::kInfo: spdlog::info("migrate: {}", line); break;
            case migrate::LogLevel::kWarning: spdlog::warn("migrate: {}", line); break;
        }
    };
    return o;
}

}  // namespace

SchemaInfo prepare_schema(const std::string& database_url, bool migrate, config::StartupMode mode) {
    if (migrate) {
        try {
            migrate::Migrator migrator(database_url, migrate_options());
            auto r = migrator.up();
            if (r.applied.empty()) {
                spdlog::info("schema at revision {} (head)", r.to_version);
            } else {
                spdlog::info("schema migrated from revision {} to {}", r.from_version, r.to_version);
            }
            return {r.to_version, head_revision()};
        } catch (const migrate::MigrateError& e) {
            if (e.kind() == migrate::ErrorKind::kConnection && mode == config::StartupMode::kDegrade) {
                spdlog::warn("cannot migrate now ({}); serving degraded, the pools heal when the database returns", e.what());
                return {0, head_revision()};
            }
            throw std::runtime_error(e.what());
        }
    }
    auto check = migrate::check_ready(database_url, migrate_options());
    if (!check.reachable && mode == config::StartupMode::kDegrade) {
        spdlog::warn("{}; serving degraded (DB_STARTUP_MODE=degrade)", check.message);
        return {0, head_revision()};
    }
    if (!check.ok) throw std::runtime_error(check.message);
    if (check.warning) {
        spdlog::warn("{}", check.message);
    } else {
        spdlog::info("{}", check.message);
    }
    return {check.status.current, check.status.head};
}

}  // namespace shipd::app
