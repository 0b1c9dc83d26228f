// Settings: every setting shipd reads, with the seed's variable names and defaults.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shipd::config {

enum class StartupMode { kDegrade, kFail };
enum class LogFormat { kText, kJson };
enum class CapacityPolicy { kWarn, kEnforce };
enum class CarrierProvider { kSimulated, kEasyPost };

/// Where a setting's value came from, for `shipd config`.
enum class Source { kDefault, kEnvFile, kEnvironment };

/// The effective settings. Field comments name the variable; defaults are the seed's where
/// the seed has one (database-setup-review.md), shipd's own otherwise.
struct Settings {
    // --- database (primary pool) ---
    std::string database_url;                 ///< DATABASE_URL; empty: embedded PostgreSQL
    int pool_size = 20;                       ///< DATABASE_POOL_SIZE
    int max_overflow = 30;                    ///< DATABASE_MAX_OVERFLOW
    int pool_recycle_s = 3600;                ///< DATABASE_POOL_RECYCLE
    int pool_timeout_s = 30;                  ///< DATABASE_POOL_TIMEOUT
    bool pool_pre_ping = true;                ///< DATABASE_POOL_PRE_PING
    int statement_cache_size = 500;           ///< DATABASE_STATEMENT_CACHE_SIZE (0: PgBouncer)
    /// A setting whose value shipd chooses from where the database is ("auto"; resolved by
    /// app/module_settings.hpp's pipeline_shape).
    static constexpr int kAuto = -1;
    int pipeline_connections = kAuto;         ///< SHIPD_PIPELINE_CONNECTIONS per loop (0: off; auto: 2, filled in turn for a database on this machine; see docs/DESIGN.md)
    int pipeline_depth = kAuto;               ///< SHIPD_PIPELINE_DEPTH statements per connection (auto: 64 for a database on this machine, else 16)
    int command_timeout_s = 60;               ///< DATABASE_COMMAND_TIMEOUT
    int connect_timeout_s = 10;               ///< DATABASE_CONNECT_TIMEOUT
    std::string server_settings = "jit=on,timezone=UTC";  ///< DATABASE_SERVER_SETTINGS
    std::vector<std::string> read_replica_urls;           ///< DATABASE_READ_REPLICA_URLS
    StartupMode startup_mode = StartupMode::kDegrade;     ///< DB_STARTUP_MODE
    // --- bulk pool ---
    int bulk_pool_min_size = 10;  ///< BULK_POOL_MIN_SIZE
    int bulk_pool_max_size = 32;  ///< BULK_POOL_MAX_SIZE
    // --- carriers ---
    CarrierProvider carrier_provider = CarrierProvider::kSimulated;  ///< CARRIER_PROVIDER
    std::string easypost_api_key;                                  ///< EASYPOST_API_KEY
    std::string easypost_base_url = "https://api.easypost.com/v2";  ///< EASYPOST_BASE_URL
    std::string easypost_webhook_secret;                           ///< EASYPOST_WEBHOOK_SECRET
    bool simulated_tracking = true;                                ///< SIMULATED_TRACKING
    int simulated_tracking_step_s = 60;                            ///< SIMULATED_TRACKING_STEP_S
    // --- HTTP server ---
    std::string host = "127.0.0.1";          ///< SHIPD_HOST
    int port = 8080;                         ///< SHIPD_PORT (0: any free port)
    int threads = 0;                         ///< SHIPD_THREADS (0: one a core, halved for a database on this machine)
    std::size_t body_limit = 1 << 20;        ///< SHIPD_BODY_LIMIT (bytes)
    std::size_t import_max_bytes = 64 << 20; ///< SHIPD_IMPORT_MAX_BYTES (bytes)
    int import_analyze_rows = 10'000;        ///< SHIPD_IMPORT_ANALYZE_ROWS (0: never)
    int create_batch_max = 64;               ///< SHIPD_CREATE_BATCH_MAX (1: a statement a create)
    int create_batches_in_flight = 2;        ///< SHIPD_CREATE_BATCHES_IN_FLIGHT per event loop
    int get_batch_max = 64;                  ///< SHIPD_GET_BATCH_MAX (1: a statement a GET)
    std::size_t header_limit = 16 << 10;     ///< SHIPD_HEADER_LIMIT (bytes)
    int read_timeout_s = 15;                 ///< SHIPD_READ_TIMEOUT_S
    int keepalive_timeout_s = 60;            ///< SHIPD_KEEPALIVE_TIMEOUT_S
    int max_connections = 4096;              ///< SHIPD_MAX_CONNECTIONS
    int shutdown_grace_s = 10;               ///< SHIPD_SHUTDOWN_GRACE_S
    bool metrics_require_key = false;        ///< SHIPD_METRICS_REQUIRE_KEY
    int rate_limit_rps = 0;                  ///< SHIPD_RATE_LIMIT_RPS (per API key; 0: off)
    int rate_limit_burst = 0;                ///< SHIPD_RATE_LIMIT_BURST (0: twice the rate)
    // --- process ---
    std::filesystem::path data_dir = ".shipd";               ///< SHIPD_DATA_DIR
    std::string log_level = "info";                          ///< SHIPD_LOG_LEVEL
    LogFormat log_format = LogFormat::kText;                 ///< SHIPD_LOG_FORMAT
    bool access_log = true;                                  ///< SHIPD_ACCESS_LOG
    std::string instance_name;                               ///< SHIPD_INSTANCE (default: hostname)
    int instances = 1;                                       ///< SHIPD_INSTANCES
    CapacityPolicy capacity_policy = CapacityPolicy::kWarn;  ///< SHIPD_CAPACITY_POLICY
    bool auto_migrate = false;                               ///< SHIPD_AUTO_MIGRATE
    int analytics_refresh_s = 60;                            ///< SHIPD_ANALYTICS_REFRESH_S
    int idempotency_purge_s = 3600;                          ///< SHIPD_IDEMPOTENCY_PURGE_S
    int embedded_pg_port = 55432;                            ///< SHIPD_EMBEDDED_PG_PORT
    int demo_shipments = 200;                                ///< SHIPD_DEMO_SHIPMENTS

    /// True when shipd runs its own PostgreSQL (no DATABASE_URL).
    bool embedded() const { return database_url.empty(); }
};

/// One row of `shipd config`: the variable, its value as printed (secrets masked), its source.
struct Entry {
    std::string name;
    std::string value;
    Source source = Source::kDefault;
    std::string help;
};

/// Settings and everything found wrong while reading them.
struct LoadResult {
    Settings settings;
    std::vector<std::string> problems;  ///< each one line, naming the variable; serve exits 2
    std::vector<std::string> warnings;  ///< unknown SHIPD_* variables and the like
    std::vector<Entry> entries;         ///< every known variable, for `shipd config`
};

using Environment = std::map<std::string, std::string>;

/// Reads `environment`, then fills what it lacks from the .env file (the environment wins),
/// then validates. Never throws for bad input: problems are listed in the result.
LoadResult load(const Environment& environment, const std::optional<std::filesystem::path>& env_file);

/// load() from this process's environment and $SHIPD_ENV_FILE (default ./.env, if present).
LoadResult load_from_process();

/// Parses a .env file: NAME=VALUE lines, `export` prefix, # comments, '…' and "…" quotes.
/// A malformed line adds a problem naming the file and the line number.
Environment parse_env_file(const std::string& text, const std::string& file_name,
                           std::vector<std::string>& problems);

}  // namespace shipd::config
