// The loop's database as a request sees it.
#include "api/database.hpp"

#include "pg/wait_tally.hpp"

namespace shipd::api {

pg::Cluster& db(Services& services, const http::RequestContext& ctx) noexcept {
    pg::wait_tally::arm(ctx.pool_wait_tally);
    return *services.cluster;
}

}  // namespace shipd::api
