// Module settings from shipd's Settings.
#include "app/module_settings.hpp"

#include <algorithm>

#include "pg/dsn.hpp"

namespace shipd::app {

namespace {
std::size_t share(int total, int loops) {
    return static_cast<std::size_t>(std::max(1, (total + loops - 1) / loops));
}
}  // namespace

bool database_on_this_machine(const config::Settings& s, const std::string& database_url) {
    return s.embedded() || pg::dsn_is_local(database_url);
}

PipelineShape pipeline_shape(const config::Settings& s, bool database_here) {
    const auto chosen = [](int setting, std::size_t automatic) {
        return setting == config::Settings::kAuto ? automatic : static_cast<std::size_t>(setting);
    };
    using std::chrono::milliseconds;
    return {chosen(s.pipeline_connections, 2), chosen(s.pipeline_depth, database_here ? 64 : 16),
            database_here ? milliseconds(10) : milliseconds(0)};
}

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
    const PipelineShape pipes = pipeline_shape(s, database_on_this_machine(s, database_url));
    c.primary.pipeline_connections = pipes.connections;
    c.primary.pipeline_depth = pipes.depth;
    c.primary.pipeline_spill_after = pipes.spill_after;

    c.bulk = pg::PoolSettings::bulk();
    c.bulk.name = "bulk";
    c.bulk.min_size = s.bulk_pool_min_size == 0 ? 0 : share(s.bulk_pool_min_size, loops);
    std::size_t bulk_max = share(s.bulk_pool_max_size, loops);
    c.bulk.size = std::max(c.bulk.min_size, std::min<std::size_t>(bulk_max, c.bulk.min_size ? c.bulk.min_size : 1));
    c.bulk.max_overflow = bulk_max - c.bulk.size;
    c.bulk.acquire_timeout = seconds(s.pool_timeout_s);
    c.bulk.max_lifetime = seconds(s.pool_recycle_s);
    c.bulk.pre_ping = s.pool_pre_ping;
    c.bulk.pipeline_connections = 0;  // batch statements are long: a connection each

    c.startup_mode = s.startup_mode == config::StartupMode::kFail ? pg::StartupMode::kFail : pg::StartupMode::kDegrade;
    return c;
}

carriers::CarrierSettings carrier_settings(const config::Settings& s) {
    carriers::CarrierSettings c;
    c.provider = s.carrier_provider == config::CarrierProvider::kEasyPost ? carriers::Provider::kEasyPost
                                                                          : carriers::Provider::kSimulated;
    c.api_key = s.easypost_api_key;
    c.base_url = s.easypost_base_url;
    return c;
}

pg::ClusterSettings command_cluster_settings(const config::Settings& s, const std::string& database_url) {
    pg::ClusterSettings c = cluster_settings(s, database_url, 1);
    c.primary.min_size = 1;
    c.primary.size = 1;
    c.primary.max_overflow = 1;
    c.bulk.min_size = 0;
    c.bulk.size = 1;
    c.bulk.max_overflow = 1;
    c.startup_mode = pg::StartupMode::kFail;
    return c;
}

}  // namespace shipd::app
