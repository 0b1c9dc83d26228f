// Shipment routes. No database connection is held while the carrier is asked: each store call
// leases and returns its own.
#include "api/shipments.hpp"

#include "api/database.hpp"
#include "api/api_error.hpp"
#include "api/idempotency.hpp"
#include "api/request.hpp"
#include "carriers/carrier.hpp"
#include "domain/json_write.hpp"
#include "domain/parse.hpp"
#include "domain/query.hpp"
#include "pg/cluster.hpp"
#include "store/create_batcher.hpp"
#include "store/get_batcher.hpp"
#include "store/shipments_store.hpp"

namespace shipd::api {

namespace asio = boost::asio;
using http::RequestContext;
using http::Response;
using http::Status;

namespace {

ApiError carrier_failed(const carriers::CarrierError& e) {
    std::vector<http::FieldError> errors;
    for (const auto& f : e.errors()) errors.push_back({f.field, f.message});
    std::string message = "the carrier failed: " + std::string(e.what());
    return ApiError(Status::bad_gateway, "CARRIER_ERROR", message, std::move(errors));
}

// The rate a buy request names among the shipment's rates; nullopt when none matches.
std::optional<domain::Rate> pick_rate(const std::vector<domain::Rate>& rates, const domain::BuyRequest& req) {
    for (const auto& r : rates) {
        if (req.rate_id ? r.id == *req.rate_id : (r.carrier == *req.carrier && r.service == *req.service)) return r;
    }
    return std::nullopt;
}

}  // namespace

void add_shipment_routes(http::Router& router, Services& services) {
    router.add(http::Verb::post, "/v1/shipments", idempotent(services, [&services](RequestContext& ctx) -> asio::awaitable<Response> {
        require_content_type(ctx, "application/json");
        domain::Shipment shipment = take(domain::parse_create_shipment(ctx.request.body()));
        // Rates first, with no connection held; a carrier failure stores nothing, so a
        // retry is safe.
        try {
            carriers::Quote quote = co_await services.carrier->quote_shipment(shipment);
            shipment.rates = std::move(quote.rates);
            if (!quote.easypost_id.empty()) shipment.easypost_id = quote.easypost_id;
        } catch (const carriers::CarrierError& e) {
            throw carrier_failed(e);
        }
        // Stored with the creates queued meanwhile on this loop, in one statement (group commit).
        domain::Shipment stored = co_await services.create_batcher->create(db(services, ctx).write(), shipment);
        std::string body;
        domain::write_shipment(body, stored);
        co_return json(Status::created, std::move(body));
    }));

    router.add(http::Verb::get, "/v1/shipments/{id}", [&services](RequestContext& ctx) -> asio::awaitable<Response> {
        std::string id = require_uuid(ctx, "id");
        // Read with the other GETs of this loop tick, in one statement (store/get_batcher.hpp).
        auto shipment = co_await services.get_batcher->get(db(services, ctx).read(), id);
        if (!shipment) throw not_found("shipment " + id);
        std::string body;
        body.reserve(2048);
        domain::write_shipment(body, *shipment);
        co_return json(Status::ok, std::move(body));
    });

    router.add(http::Verb::get, "/v1/shipments", [&services](RequestContext& ctx) -> asio::awaitable<Response> {
        domain::ListQuery q = take(domain::parse_list_query(query_string(ctx)));
        store::ListFilter f;
        f.page_size = static_cast<std::size_t>(q.page_size);
        f.before_id = q.before_id;
        f.after_id = q.after_id;
        f.status = q.status;
        f.carrier = q.carrier;
        f.tracking_code = q.tracking_code;
        f.reference = q.reference;
        f.start = q.start_datetime;
        f.end = q.end_datetime;
        auto page = co_await store::list_shipments(db(services, ctx).read(), f);
        std::string body;
        domain::write_shipments_page(body, page.shipments, page.has_more);
        co_return json(Status::ok, std::move(body));
    });

    router.add(http::Verb::post, "/v1/shipments/{id}/buy", idempotent(services, [&services](RequestContext& ctx) -> asio::awaitable<Response> {
        std::string id = require_uuid(ctx, "id");
        require_content_type(ctx, "application/json");
        domain::BuyRequest req = take(domain::parse_buy(ctx.request.body()));
        auto shipment = co_await store::get_shipment(db(services, ctx).write(), id);
        if (!shipment) throw not_found("shipment " + id);
        if (shipment->selected_rate) {
            throw ApiError(Status::conflict, "CONFLICT", "shipment " + id + " is already purchased");
        }
        std::optional<domain::Rate> rate = pick_rate(shipment->rates, req);
        try {
            // Imported shipments have no rates yet: quote at purchase (API.md).
            if (!rate && shipment->rates.empty() && !req.rate_id) {
                carriers::Quote quote = co_await services.carrier->quote_shipment(*shipment);
                rate = pick_rate(quote.rates, req);
                if (!quote.easypost_id.empty()) shipment->easypost_id = quote.easypost_id;
            }
            if (!rate) {
                std::string field = req.rate_id ? "rate.id" : "service";
                std::string what = req.rate_id ? "is not one of this shipment's rates"
                                               : "no rate of this carrier and service for this shipment";
                throw ApiError(Status::unprocessable_entity, "VALIDATION_ERROR", "the rate to buy was not found",
                               {{field, what}});
            }
            carriers::Purchase bought = co_await services.carrier->buy(*shipment, *rate);
            store::Purchase purchase;
            purchase.rate = bought.rate;
            purchase.tracking_code = bought.tracking_code;
            if (!bought.label_url.empty()) purchase.label_url = bought.label_url;
            if (!bought.easypost_id.empty()) purchase.easypost_id = bought.easypost_id;
            else if (shipment->easypost_id) purchase.easypost_id = shipment->easypost_id;
            purchase.message = "Label created: " + bought.rate.carrier + " " + bought.rate.service;
            auto result = co_await store::buy(db(services, ctx).write(), id, purchase);
            if (result.outcome == store::BuyOutcome::kNotFound) throw not_found("shipment " + id);
            if (result.outcome == store::BuyOutcome::kAlreadyPurchased) {
                throw ApiError(Status::conflict, "CONFLICT", "shipment " + id + " is already purchased");
            }
            std::string body;
            domain::write_shipment(body, *result.shipment);
            co_return json(Status::ok, std::move(body));
        } catch (const carriers::CarrierError& e) {
            throw carrier_failed(e);
        }
    }));
}

}  // namespace shipd::api
