// The EasyPost webhook.
#include "api/webhooks.hpp"

#include "api/database.hpp"
#include "api/api_error.hpp"
#include "api/request.hpp"
#include "carriers/webhook_signature.hpp"
#include "domain/webhook_event.hpp"
#include "pg/cluster.hpp"
#include "store/webhooks_store.hpp"

namespace shipd::api {

namespace asio = boost::asio;
using http::RequestContext;
using http::Response;
using http::Status;

namespace {

std::string_view outcome_name(store::WebhookOutcome o) {
    switch (o) {
        case store::WebhookOutcome::kApplied: return "applied";
        case store::WebhookOutcome::kUnknownTrackingCode: return "unknown_tracking_code";
        case store::WebhookOutcome::kIgnored: return "ignored";
        case store::WebhookOutcome::kDuplicate: return "duplicate";
    }
    return "ignored";
}

}  // namespace

void add_webhook_routes(http::Router& router, Services& services) {
    router.add(http::Verb::post, "/v1/webhooks/easypost", [&services](RequestContext& ctx) -> asio::awaitable<Response> {
        const std::string& secret = services.settings->easypost_webhook_secret;
        if (secret.empty()) {
            throw ApiError(Status::service_unavailable, "NOT_CONFIGURED",
                           "webhooks are off: set EASYPOST_WEBHOOK_SECRET to the secret of the EasyPost webhook", {}, 3600);
        }
        const std::string& body = ctx.request.body();
        switch (carriers::verify_webhook_signature(ctx.request["X-Hmac-Signature"], body, secret)) {
            case carriers::SignatureCheck::kValid: break;
            case carriers::SignatureCheck::kMissing:
                throw ApiError(Status::unauthorized, "UNAUTHORIZED", "X-Hmac-Signature is missing");
            case carriers::SignatureCheck::kMalformed:
                throw ApiError(Status::unauthorized, "UNAUTHORIZED", "X-Hmac-Signature is not hmac-sha256-hex=<64 hex digits>");
            default:
                throw ApiError(Status::unauthorized, "UNAUTHORIZED", "X-Hmac-Signature does not match the body");
        }
        auto event = take(domain::parse_webhook_event(body));
        store::WebhookReceipt receipt{event.id, event.description, body};
        std::optional<store::TrackerUpdate> tracker;
        if (event.is_tracker_update() && event.tracking_code) {
            tracker = store::TrackerUpdate{*event.tracking_code, event.events};
        }
        auto outcome = co_await store::apply_webhook(db(services, ctx).write(), receipt, tracker);
        // 200 whatever the outcome: EasyPost must not retry an unknown code or type forever.
        std::string out = "{\"received\":true,\"outcome\":\"";
        out += outcome_name(outcome);
        out += "\"}";
        co_return json(Status::ok, std::move(out));
    });
}

}  // namespace shipd::api
