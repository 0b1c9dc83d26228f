// Rate limiting per API key.
#include "api/rate_limit.hpp"

#include <cmath>

#include "api/api_error.hpp"

namespace shipd::api {

// Buckets kept per loop before idle ones are dropped (bounds memory; a dropped bucket is full).
constexpr std::size_t kMaxBuckets = 10'000;

http::Middleware rate_limiting(Services& services, int loops) {
    const config::Settings& s = *services.settings;
    double rate = static_cast<double>(s.rate_limit_rps) / std::max(1, loops);
    double burst = std::max(1.0, static_cast<double>(s.rate_limit_burst > 0 ? s.rate_limit_burst : 2 * s.rate_limit_rps) /
                                     std::max(1, loops));
    return [&services, rate, burst](http::RequestContext& ctx, const http::Handler& next) -> boost::asio::awaitable<http::Response> {
        if (rate <= 0 || ctx.principal.empty()) co_return co_await next(ctx);
        auto now = std::chrono::steady_clock::now();
        auto& buckets = services.rate_buckets;
        if (buckets.size() >= kMaxBuckets) buckets.clear();
        auto [it, fresh] = buckets.try_emplace(ctx.principal, RateBucket{burst, now});
        RateBucket& b = it->second;
        if (!fresh) {
            double elapsed = std::chrono::duration<double>(now - b.updated).count();
            b.tokens = std::min(burst, b.tokens + elapsed * rate);
            b.updated = now;
        }
        if (b.tokens < 1.0) {
            int wait_s = static_cast<int>(std::ceil((1.0 - b.tokens) / rate));
            throw ApiError(http::Status::too_many_requests, "RATE_LIMITED",
                           "too many requests for this API key; retry after " + std::to_string(std::max(1, wait_s)) + " s",
                           {}, std::max(1, wait_s));
        }
        b.tokens -= 1.0;
        co_return co_await next(ctx);
    };
}

}  // namespace shipd::api
