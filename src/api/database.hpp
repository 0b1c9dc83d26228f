// The loop's database as a request sees it.
#pragma once

#include "api/services.hpp"
#include "http/types.hpp"
#include "pg/cluster.hpp"

namespace shipd::api {

/// The loop's pools, for `ctx`: arms the request's pool-wait tally, so that the connection
/// acquire of the store call this is an argument of counts in the request's pool wait (the
/// access log's). Use it inline — `co_await store::get(db(services, ctx).read(), id)` — so no
/// other coroutine runs between arming and the acquire (pg/wait_tally.hpp).
pg::Cluster& db(Services& services, const http::RequestContext& ctx) noexcept;

}  // namespace shipd::api
