// Router: method + path template → handler, with 404 and 405 + Allow.
#include "http/router.hpp"

#include <algorithm>
#include <stdexcept>

#include <boost/container/small_vector.hpp>

namespace shipd::http {

namespace {

// Paths and route templates have a handful of segments: these stay off the heap (a GET made
// four allocations matching its route; issue 7).
using Segments = boost::container::small_vector<std::string_view, 8>;

Segments split_path(std::string_view path) {
    Segments out;
    size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        out.push_back(path.substr(i, j - i));
        i = j;
    }
    return out;
}

bool is_param(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::string_view target_path(std::string_view target) {
    size_t q = target.find_first_of("?#");
    return q == std::string_view::npos ? target : target.substr(0, q);
}

std::optional<std::string_view> query_param(std::string_view target, std::string_view name) {
    size_t q = target.find('?');
    if (q == std::string_view::npos) return std::nullopt;
    std::string_view query = target.substr(q + 1);
    if (size_t hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);
    while (!query.empty()) {
        size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        size_t eq = pair.find('=');
        std::string_view key = pair.substr(0, eq);
        if (key == name) return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        if (amp == std::string_view::npos) break;
        query = query.substr(amp + 1);
    }
    return std::nullopt;
}

void Router::add(Verb method, std::string path_template, Handler handler, RouteOptions options) {
    if (path_template.empty() || path_template.front() != '/') {
        throw std::invalid_argument("route template must start with '/': " + path_template);
    }
    Route r{method, path_template, {}, 0, std::move(handler), options};
    for (auto s : split_path(path_template)) {
        if (s.find_first_of("{}") != std::string_view::npos && !is_param(s)) {
            throw std::invalid_argument("malformed route segment '" + std::string(s) + "' in " + path_template);
        }
        r.params += is_param(s);
        r.segments.emplace_back(s);
    }
    for (const auto& existing : routes_) {
        if (existing.method == method && existing.segments == r.segments) {
            throw std::invalid_argument("duplicate route " + std::string(bhttp::to_string(method)) + " " + path_template);
        }
    }
    routes_.push_back(std::move(r));
}

Match Router::match(Verb method, std::string_view target) const {
    auto parts = split_path(target_path(target));
    Match m;
    const Route* best = nullptr;
    std::size_t best_params = SIZE_MAX;
    boost::container::small_vector<const Route*, 8> same_path;
    std::size_t fewest_params = SIZE_MAX;
    for (const auto& r : routes_) {
        if (r.segments.size() != parts.size()) continue;
        bool ok = true;
        for (size_t i = 0; i < parts.size() && ok; ++i) {
            ok = is_param(r.segments[i]) ? !parts[i].empty() : r.segments[i] == parts[i];
        }
        if (!ok) continue;
        same_path.push_back(&r);
        fewest_params = std::min(fewest_params, r.params);
        if (r.method == method && r.params < best_params) {
            best = &r;
            best_params = r.params;
        }
    }
    if (best) {
        m.kind = Match::Kind::kFound;
        m.handler = &best->handler;
        m.route = best->path;
        m.body_limit = best->options.body_limit;
        m.stream_body = best->options.stream_body;
        for (size_t i = 0; i < parts.size(); ++i) {
            if (is_param(best->segments[i])) {
                std::string_view name(best->segments[i]);
                m.params.emplace_back(name.substr(1, name.size() - 2), std::string(parts[i]));
            }
        }
        return m;
    }
    if (same_path.empty()) return m;
    m.kind = Match::Kind::kMethodNotAllowed;
    // Allow lists the methods of the most specific template(s) the path matched.
    std::vector<std::string> methods;
    for (const Route* r : same_path) {
        if (r->params != fewest_params) continue;
        m.route = r->path;
        std::string name(bhttp::to_string(r->method));
        if (std::find(methods.begin(), methods.end(), name) == methods.end()) methods.push_back(name);
    }
    std::sort(methods.begin(), methods.end());
    for (const auto& name : methods) m.allow += (m.allow.empty() ? "" : ", ") + name;
    return m;
}

boost::asio::awaitable<Response> Router::run(RequestContext& ctx, const Handler& handler) const {
    if (middleware_.empty()) co_return co_await handler(ctx);
    // Build the chain inside out; each link calls the next one. Every link holds references
    // only, which std::function keeps without allocating.
    boost::container::small_vector<Handler, 8> chain(middleware_.size() + 1);
    chain.back() = [&handler](RequestContext& c) { return handler(c); };
    for (size_t i = middleware_.size(); i-- > 0;) {
        const Middleware& mw = middleware_[i];
        const Handler& next = chain[i + 1];
        chain[i] = [&mw, &next](RequestContext& c) { return mw(c, next); };
    }
    co_return co_await chain.front()(ctx);
}

std::vector<RouteInfo> Router::routes() const {
    std::vector<RouteInfo> out;
    for (const auto& r : routes_) out.push_back({r.method, r.path});
    return out;
}

}  // namespace shipd::http
