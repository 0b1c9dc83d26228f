// Settings owned by pg: how to connect (ConnectionSettings) and how a pool behaves
// (PoolSettings). Defaults are the seed's; config/ fills them from the environment.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shipd::pg {

using namespace std::chrono_literals;

/// DB_STARTUP_MODE: what a pool does when PostgreSQL is unreachable at start.
enum class StartupMode {
    kDegrade,  ///< start anyway, report degraded, heal by itself (default)
    kFail,     ///< start() throws DatabaseUnavailable with the reason
};

/// How every connection of a pool is opened and set up.
struct ConnectionSettings {
    /// DATABASE_URL: postgresql://, postgres://, postgresql+asyncpg:// URL or libpq key=value.
    /// Multi-host URLs with target_session_attrs are libpq's own failover.
    std::string dsn;
    /// DATABASE_CONNECT_TIMEOUT: TCP connect + authentication + session set-up.
    std::chrono::milliseconds connect_timeout = 10s;
    /// DATABASE_COMMAND_TIMEOUT: sent as statement_timeout; 0 = none (and no client deadline).
    /// The client abandons a connection whose server stays silent for command_timeout +
    /// deadline_grace (a network partition, not a slow query).
    std::chrono::milliseconds command_timeout = 60s;
    /// The client's deadline for a statement is command_timeout + deadline_grace: long enough
    /// that the server's statement_timeout (57014) always fires first on a live server.
    std::chrono::milliseconds deadline_grace = 5s;
    /// DATABASE_SERVER_SETTINGS: "name=value,name=value", applied with SET at connect.
    std::string server_settings = "jit=on,timezone=UTC";
    /// application_name base; a pool appends "/<pool name>". config/ sets "shipd/<instance>".
    std::string application_name = "shipd";
    /// DATABASE_STATEMENT_CACHE_SIZE: prepared statements kept per connection (LRU);
    /// 0 = unnamed statements only (PgBouncer transaction pooling).
    std::size_t statement_cache_size = 500;
    /// TCP keepalives, so a dead peer is noticed on an idle connection.
    bool keepalives = true;
    std::chrono::seconds keepalives_idle = 30s;
    std::chrono::seconds keepalives_interval = 10s;
    int keepalives_count = 3;
};

/// How one pool behaves. Defaults are the primary pool's (the seed's QueuePool knobs).
struct PoolSettings {
    /// Names the pool in logs, stats and application_name.
    std::string name = "primary";
    /// Connections opened at start and kept open by the maintenance loop.
    std::size_t min_size = 1;
    /// DATABASE_POOL_SIZE: connections kept while idle (beyond: overflow).
    std::size_t size = 20;
    /// DATABASE_MAX_OVERFLOW: extra connections under load, closed when idle.
    std::size_t max_overflow = 30;
    /// DATABASE_POOL_TIMEOUT: the acquire contract, database up or down.
    std::chrono::milliseconds acquire_timeout = 30s;
    /// DATABASE_POOL_RECYCLE: max lifetime of a connection, jittered per connection.
    std::chrono::milliseconds max_lifetime = 3600s;
    /// The share of max_lifetime taken off at random per connection (so they don't expire
    /// together).
    double lifetime_jitter = 0.1;
    /// DATABASE_POOL_PRE_PING: validate a connection on checkout...
    bool pre_ping = true;
    /// ...only when it sat idle longer than this (HikariCP skips it for < 500 ms).
    std::chrono::milliseconds validation_window = 1s;
    /// Overflow connections idle longer than this are closed.
    std::chrono::milliseconds overflow_idle_timeout = 60s;
    /// Waiters beyond this fail at once with PoolOverloaded.
    std::size_t max_waiters = 1000;
    /// A lease held longer than this is logged with its label; 0 = off.
    std::chrono::milliseconds leak_threshold = 30s;
    /// DB_STARTUP_MODE.
    StartupMode startup_mode = StartupMode::kDegrade;
    /// Period of the maintenance loop (the janitor): leak checks, idle overflow, lifetime,
    /// refill to min_size. 1 s: every threshold it checks is seconds-scale, and a wake-up a
    /// second costs nothing measurable.
    std::chrono::milliseconds janitor_period = 1s;
    /// Reconnect backoff while the database is down: first delay, doubled up to the max,
    /// plus up to 50 % jitter.
    std::chrono::milliseconds reconnect_backoff_min = 10ms;
    std::chrono::milliseconds reconnect_backoff_max = 5s;

    /// Auto-pipelining of single statements (Pool::execute): up to this many connections
    /// each carry many statements in flight at once, one Sync each (0 = off: every statement
    /// leases a connection of its own). Few busy backends beat many sleeping ones: see
    /// docs/DESIGN.md. Off by itself when statement_cache_size is 0 (PgBouncer mode).
    std::size_t pipeline_connections = 2;
    /// Statements in flight per pipelined connection; beyond, callers queue (FIFO, bounded by
    /// acquire_timeout) so that one descheduled backend holds up few of them.
    std::size_t pipeline_depth = 16;
    /// 0: statements spread over the pipes (a second pipe opens as soon as the first has a
    /// statement in flight; each new statement joins the least loaded). Otherwise the pipes
    /// fill in turn: a statement joins the first pipe whose statements answer within this
    /// time (a moving average from send to answer), and the next pipe opens only when every
    /// open one is slower; when all are, the least loaded. For a database on the same cores:
    /// one busy backend while it keeps up, a second when it is saturated (docs/DESIGN.md).
    std::chrono::microseconds pipeline_spill_after{0};

    /// size + max_overflow.
    std::size_t max_size() const noexcept { return size + max_overflow; }

    /// The bulk pool's defaults (BULK_POOL_MIN_SIZE=10, BULK_POOL_MAX_SIZE=32).
    static PoolSettings bulk();
};

/// Parses "jit=on,timezone=UTC" into pairs. Throws std::invalid_argument naming the bad entry
/// (names must be [A-Za-z0-9_.]; DateStyle is refused: every connection fixes it to ISO, the
/// form the text codecs read).
std::vector<std::pair<std::string, std::string>> parse_server_settings(std::string_view text);

/// True when `name` names PostgreSQL parameter `parameter` (given in lower case): parameter
/// names are case-insensitive.
bool same_setting(std::string_view name, std::string_view parameter) noexcept;

}  // namespace shipd::pg
