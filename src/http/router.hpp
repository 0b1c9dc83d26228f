// Router: method + path template ("/v1/shipments/{id}") → handler, with 404 and 405 + Allow.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/types.hpp"

namespace shipd::http {

/// Per-route options.
struct RouteOptions {
    /// Largest body this route accepts; 0: the server's default.
    std::size_t body_limit = 0;
    /// The handler gets the body as it arrives (RequestContext::body_stream) instead of
    /// whole: for large uploads worked on line by line. The limit still holds (a declared
    /// Content-Length over it is refused before the handler runs; a chunked body that grows
    /// past it makes read_some throw BodyError).
    bool stream_body = false;
};

/// A registered route, as listed by Router::routes() (the OpenAPI check reads it).
struct RouteInfo {
    Verb method;
    std::string path;  ///< the template
};

/// The outcome of matching a request line.
struct Match {
    enum class Kind { kFound, kNotFound, kMethodNotAllowed } kind = Kind::kNotFound;
    const Handler* handler = nullptr;
    std::string_view route;      ///< the matched template
    PathParams params;           ///< when found
    std::string allow;           ///< when 405: "GET, POST"
    std::size_t body_limit = 0;  ///< when found: the route's own limit, 0 for the default
    bool stream_body = false;    ///< when found: the route reads its body as it arrives
};

/// Routes and middleware. Built at start-up, then read-only: safe to share between loops.
class Router {
public:
    /// Registers `handler` for `method` on `path_template`; segments in braces are parameters.
    /// Throws std::invalid_argument for a duplicate (method, template) or a malformed template.
    void add(Verb method, std::string path_template, Handler handler, RouteOptions options = {});

    /// Appends a middleware; the first added runs outermost.
    void use(Middleware middleware) { middleware_.push_back(std::move(middleware)); }

    /// Matches a target (query string ignored). Literal segments win over parameters.
    Match match(Verb method, std::string_view target) const;

    /// Runs the middleware chain around `handler`.
    boost::asio::awaitable<Response> run(RequestContext& ctx, const Handler& handler) const;

    std::vector<RouteInfo> routes() const;

private:
    struct Route {
        Verb method;
        std::string path;
        std::vector<std::string> segments;  ///< "{id}" marks a parameter
        std::size_t params = 0;
        Handler handler;
        RouteOptions options;
    };
    std::vector<Route> routes_;
    std::vector<Middleware> middleware_;
};

/// The path part of a request target, without the query string.
std::string_view target_path(std::string_view target);

/// The raw value of query parameter `name` (not percent-decoded); nullopt when absent.
std::optional<std::string_view> query_param(std::string_view target, std::string_view name);

}  // namespace shipd::http
