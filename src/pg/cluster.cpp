// Cluster: primary + bulk pools, read/write routing, health.
#include "pg/cluster.hpp"

namespace shipd::pg {

namespace asio = boost::asio;

Cluster::Cluster(asio::any_io_executor executor, ClusterSettings settings) {
    parse_server_settings(settings.connection.server_settings);  // fail at construction
    settings.primary.startup_mode = settings.startup_mode;
    settings.bulk.startup_mode = settings.startup_mode;
    primary_ = Pool::create(executor, settings.connection, settings.primary);
    bulk_ = Pool::create(executor, settings.connection, settings.bulk);
}

Cluster::~Cluster() { close(); }

asio::awaitable<void> Cluster::start() {
    co_await primary_->start();
    co_await bulk_->start();
}

HealthSnapshot Cluster::health() const {
    HealthSnapshot h;
    for (const auto* p : {primary_.get(), bulk_.get()}) {
        h.pools.push_back(p->stats());
        if (!p->healthy()) h.healthy = false;
    }
    return h;
}

void Cluster::close() {
    primary_->close();
    bulk_->close();
}

}  // namespace shipd::pg
