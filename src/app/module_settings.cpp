// The pg driver's settings from shipd's Settings.
#include "app/pg_settings.hpp"

#include <algorithm>

namespace shipd::app {

namespace {
std::size_t share(int total, int loops) {
    return static_cast<std::size_t>(std::max(1, (total + loops - 1) / loops));
}
}  // namespace

pg::ClusterSettings cluster_settings(const config::Settings& s, const std::string& database_url, int loops) {
    using std::chrono::seconds;
    pg::ClusterSettings c;
    c.connection.dsn = database_url;
    c.connection.connect_timeout = seconds(s.connect_timeout_s);
    c.connection.command_timeout = seconds(s.command_timeout_s);
    c.connection.server_settings = s.server_settings;
    c.connection.application_name = "shipd/" + s.instance_name;
    c.connection.statement_cache_size = static_cast<std::size_t>(s.statement_cache_size);

    c.primary.name = "primary";
    c.primary.size = share(s.pool_size, loops);
    c.primary.max_overflow = s.max_overflow == 0 ? 0 : share(s.max_overflow, loops);
    c.primary.acquire_timeout = seconds(s.pool_timeout_s);
    c.primary.max_lifetime = seconds(s.pool_recycle_s);
    c.primary.pre_ping = s.pool_pre_ping;

    c.bulk = pg::PoolSettings::bulk();
    c.bulk.name = "bulk";
    c.bulk.min_size = s.bulk_pool_min_size == 0 ? 0 : share(s.bulk_pool_min_size, loops);
    std::size_t bulk_max = share(s.bulk_pool_max_size, loops);
    c.bulk.size = std::max(c.bulk.min_size, std::min<std::size_t>(bulk_max, c.bulk.min_size ? c.bulk.min_size : 1));
    c.bulk.max_overflow = bulk_max - c.bulk.size;
    c.bulk.acquire_timeout = seconds(s.pool_timeout_s);
    c.bulk.max_lifetime = seconds(s.pool_recycle_s);
    c.bulk.pre_ping = s.pool_pre_ping;

    c.startup_mode = s.startup_mode == config::StartupMode::kFail ? pg::StartupMode::kFail : pg::StartupMode::kDegrade;
    return c;
}

}  // namespace shipd::app
