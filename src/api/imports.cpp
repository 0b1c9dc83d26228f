// NDJSON imports.
#include "api/imports.hpp"

#include "api/idempotency.hpp"
#include "api/request.hpp"
#include "domain/json_write.hpp"
#include "domain/ndjson.hpp"
#include "domain/parse.hpp"
#include "pg/cluster.hpp"
#include "pg/errors.hpp"
#include "store/import_store.hpp"

namespace shipd::api {

namespace asio = boost::asio;
using http::RequestContext;
using http::Response;
using http::Status;

// Lines stored per statement: large enough that a round trip is a small share of the work,
// small enough that one statement's arrays stay a few hundred kilobytes.
constexpr std::size_t kImportBatch = 1000;

namespace {

struct Pending {
    std::size_t line;
    domain::Shipment shipment;
};

// Stores a batch in one statement; when the database refuses it (one line it alone can
// judge, e.g. a duplicate easypost_id), stores the lines one by one so only that line fails.
asio::awaitable<void> store_batch(pg::Pool& pool, std::vector<Pending>& batch, domain::ImportResult& result) {
    if (batch.empty()) co_return;
    std::vector<domain::Shipment> shipments;
    shipments.reserve(batch.size());
    for (auto& p : batch) shipments.push_back(p.shipment);
    // (co_await is not allowed inside a catch block: note the failure, act after it.)
    bool refused = false;
    try {
        auto ids = co_await store::insert_shipments_batch(pool, shipments);
        for (size_t i = 0; i < ids.size(); ++i) result.created.push_back({batch[i].line, ids[i]});
        result.accepted += ids.size();
    } catch (const pg::ServerError& e) {
        if (batch.size() == 1) {
            ++result.rejected;
            result.errors.push_back({batch[0].line, "VALIDATION_ERROR", std::string("the database refused it: ") + e.what()});
        } else {
            refused = true;
        }
    }
    if (refused) {
        for (auto& p : batch) {
            std::vector<domain::Shipment> one{p.shipment};
            std::string error;
            try {
                auto ids = co_await store::insert_shipments_batch(pool, one);
                result.created.push_back({p.line, ids.at(0)});
                ++result.accepted;
            } catch (const pg::ServerError& e) {
                error = e.what();
            }
            if (!error.empty()) {
                ++result.rejected;
                result.errors.push_back({p.line, "VALIDATION_ERROR", "the database refused it: " + error});
            }
        }
    }
    batch.clear();
}

}  // namespace

void add_import_routes(http::Router& router, Services& services) {
    http::RouteOptions options;
    options.body_limit = services.settings->import_max_bytes;
    router.add(http::Verb::post, "/v1/imports/shipments", idempotent(services, [&services](RequestContext& ctx) -> asio::awaitable<Response> {
        require_content_type(ctx, "application/x-ndjson");
        pg::Pool& pool = services.cluster->bulk();
        domain::ImportResult result;
        domain::NdjsonSplitter splitter;
        splitter.feed(ctx.request.body());
        splitter.finish();
        std::vector<Pending> batch;
        batch.reserve(kImportBatch);
        while (auto line = splitter.next()) {
            if (line->too_long) {
                ++result.rejected;
                result.errors.push_back({line->number, "BAD_REQUEST", "the line is longer than the limit"});
                continue;
            }
            auto parsed = domain::parse_import_line(line->text);
            if (!parsed) {
                ++result.rejected;
                result.errors.push_back({line->number, std::string(parsed.code()), parsed.describe()});
                continue;
            }
            batch.push_back({line->number, std::move(*parsed.value)});
            if (batch.size() == kImportBatch) co_await store_batch(pool, batch, result);
        }
        co_await store_batch(pool, batch, result);
        std::string body;
        body.reserve(64 + 64 * result.created.size());
        domain::write_import_result(body, result);
        co_return json(Status::ok, std::move(body));
    }), options);
}

}  // namespace shipd::api
