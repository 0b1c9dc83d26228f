// Services: what handlers of one event loop use (its database cluster, the carrier, settings).
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/loop_metrics.hpp"
#include "config/settings.hpp"
#include "pg/capacity.hpp"

namespace shipd::pg {
class Cluster;
}
namespace shipd::carriers {
class Carrier;
}
namespace shipd::store {
class CreateBatcher;
class GetBatcher;
}

namespace shipd::api {

/// Facts fixed at start-up that /health reports.
struct SchemaInfo {
    int current = 0;  ///< applied revision seen at start (0 when unknown)
    int head = 0;     ///< this binary's newest revision
};

/// Who a request acts as, once authenticated.
struct Principal {
    std::string key_id;
    std::string name;
    bool is_admin = false;
};

/// Keys seen recently, by SHA-256: saves a database round trip per request. Per loop (no lock).
struct KeyCache {
    struct Entry {
        Principal principal;
        bool revoked = false;
        std::chrono::steady_clock::time_point fetched;
    };
    std::unordered_map<std::string, Entry> entries;
};

/// One API key's token bucket (rate limiting), per loop.
struct RateBucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point updated;
};

/// Everything a loop's handlers need; owned by app/, one per event loop, outliving its routes.
struct Services {
    pg::Cluster* cluster = nullptr;
    carriers::Carrier* carrier = nullptr;
    /// POST /v1/shipments' group commit (store/create_batcher.hpp); set by app/.
    store::CreateBatcher* create_batcher = nullptr;
    /// GET /v1/shipments/{id}'s batching of one tick's reads (store/get_batcher.hpp); set by app/.
    store::GetBatcher* get_batcher = nullptr;
    const config::Settings* settings = nullptr;
    SchemaInfo schema;
    KeyCache keys;
    std::unordered_map<std::string, RateBucket> rate_buckets;  ///< by API key id
    int loops = 1;  ///< event loops in this process (limits are shared out between them)
    /// This loop's executor (the thread that owns everything here).
    boost::asio::any_io_executor executor;
    /// Every loop's Services, this one included, for the routes that report the whole process
    /// (/metrics, /health). Filled by app/ before serving, read-only afterwards; another loop's
    /// members are touched only on that loop's executor (process_snapshot.hpp).
    const std::vector<Services*>* all_loops = nullptr;
    LoopMetrics metrics;  ///< written on this loop only
    /// The connections shipd may open (its pools as started, after SHIPD_CAPACITY_POLICY).
    pg::capacity::Plan capacity_plan;
};

}  // namespace shipd::api
