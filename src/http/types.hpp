// The HTTP vocabulary every module above http/ shares: requests, responses, handlers, context.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shipd::http {

namespace bhttp = boost::beast::http;
using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;
using Status = bhttp::status;
using Verb = bhttp::verb;

/// Path parameters of the matched route, in template order ({id} → ("id", "0193...")).
using PathParams = std::vector<std::pair<std::string_view, std::string>>;

class BodyStream;  // http/body_stream.hpp

/// What a handler gets: the request, its id, the matched route and its parameters, plus
/// fields middleware fills for the access log.
struct RequestContext {
    Request& request;
    std::string request_id;
    std::string_view route;  ///< the template ("/v1/shipments/{id}"), "" when none matched
    PathParams params;
    std::chrono::steady_clock::time_point started;
    /// Who the request acted as (set by authentication middleware), for logs.
    std::string principal;
    /// The request's pool-wait tally (pg/wait_tally.hpp's token; 0: none), opened by the
    /// access log and armed before each database call (api/database.hpp).
    std::uint64_t pool_wait_tally = 0;
    /// For a route registered with RouteOptions::stream_body: the body as it arrives (the
    /// request's own body is then empty); null for every other route, whose body is read
    /// whole before the handler runs.
    BodyStream* body_stream = nullptr;

    /// The value of path parameter `name`; empty when the route has none of that name.
    std::string_view param(std::string_view name) const {
        for (const auto& [k, v] : params)
            if (k == name) return v;
        return {};
    }
};

using Handler = std::function<boost::asio::awaitable<Response>(RequestContext&)>;
/// Middleware gets the context and the rest of the chain; it may answer without calling it.
using Middleware = std::function<boost::asio::awaitable<Response>(RequestContext&, const Handler& next)>;

}  // namespace shipd::http
