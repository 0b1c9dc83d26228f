// Idempotency-Key handling.
#include "api/idempotency.hpp"

#include <spdlog/spdlog.h>

#include "api/database.hpp"
#include "api/api_error.hpp"
#include "api/auth.hpp"
#include "http/body_stream.hpp"
#include "pg/cluster.hpp"
#include "store/idempotency_store.hpp"

namespace shipd::api {

namespace {

constexpr std::size_t kMaxKeyLength = 255;

std::string request_hash(const http::RequestContext& ctx) {
    std::string material(ctx.request.method_string());
    material += ' ';
    material += std::string_view(ctx.request.target());
    material += '\n';
    material += ctx.request.body();
    return hash_api_key(material);  // SHA-256
}

}  // namespace

http::Handler idempotent(Services& services, http::Handler handler) {
    return [&services, handler = std::move(handler)](http::RequestContext& ctx) -> boost::asio::awaitable<http::Response> {
        std::string key(ctx.request["Idempotency-Key"]);
        if (key.empty()) co_return co_await handler(ctx);
        bool printable = std::all_of(key.begin(), key.end(), [](unsigned char c) { return c >= 0x20 && c < 0x7f; });
        if (key.size() > kMaxKeyLength || !printable) {
            throw ApiError(http::Status::bad_request, "BAD_REQUEST",
                           "Idempotency-Key must be 1 to 255 printable ASCII characters",
                           {{"Idempotency-Key", "is malformed"}});
        }
        // The key is bound to a hash of the whole body: a streamed body is read whole first
        // (a cut-off upload then stores nothing and leaves the key unused).
        co_await http::buffer_whole_body(ctx);
        auto begun = co_await store::begin_idempotent(db(services, ctx).write(), ctx.principal, key, request_hash(ctx));
        switch (begun.outcome) {
            case store::BeginOutcome::kReplay: {
                http::Response res{static_cast<http::Status>(begun.status), 11};
                res.set(http::bhttp::field::content_type, "application/json");
                res.set("Idempotent-Replayed", "true");
                res.body() = std::move(begun.body);
                res.prepare_payload();
                co_return res;
            }
            case store::BeginOutcome::kMismatch:
                throw ApiError(http::Status::conflict, "IDEMPOTENCY_KEY_REUSED",
                               "this Idempotency-Key was used with a different request");
            case store::BeginOutcome::kInProgress:
                throw ApiError(http::Status::conflict, "CONFLICT",
                               "a request with this Idempotency-Key is still in progress; retry shortly", {}, 1);
            case store::BeginOutcome::kNew:
                break;
        }
        // Errors become responses here, so a deterministic refusal (a 422) is stored like a
        // success, and only a 5xx releases the key.
        http::Response res;
        try {
            res = co_await handler(ctx);
        } catch (...) {
            res = map_error(std::current_exception(), ctx);
        }
        if (res.result_int() < 500) {
            co_await store::complete_idempotent(db(services, ctx).write(), ctx.principal, key, static_cast<int>(res.result_int()), res.body());
            co_return res;
        }
        try {
            co_await store::abandon_idempotent(db(services, ctx).write(), ctx.principal, key);
        } catch (const std::exception& e) {
            spdlog::warn("request {}: could not release Idempotency-Key: {}", ctx.request_id, e.what());
        }
        co_return res;
    };
}

}  // namespace shipd::api
