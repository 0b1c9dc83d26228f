// NDJSON imports.
#include "api/imports.hpp"

#include <spdlog/spdlog.h>

#include <optional>

#include "api/idempotency.hpp"
#include "api/import_pipeline.hpp"
#include "api/request.hpp"
#include "domain/json_write.hpp"
#include "http/body_stream.hpp"
#include "http/errors.hpp"
#include "pg/cluster.hpp"

#include <boost/asio/this_coro.hpp>

namespace shipd::api {

namespace asio = boost::asio;
using http::RequestContext;
using http::Response;
using http::Status;

namespace {

// The body stopped before its end, after `lines` complete lines: those were imported (or
// refused) as `result` says, nothing after them. The error of API.md, with that answer
// beside it as "import", so a client knows exactly what is stored.
Response cut_short(const http::BodyError& cut, const domain::ImportResult& result, std::size_t lines,
                   const RequestContext& ctx) {
    const std::string done = "the import stopped after line " + std::to_string(lines) + ": " +
                             std::to_string(result.accepted) + " shipment(s) of the lines before were stored, " +
                             std::to_string(result.rejected) + " line(s) refused (see import), nothing after";
    if (cut.kind() == http::BodyError::Kind::kClosed) {
        // Nobody reads the answer: the log says what is stored.
        spdlog::warn("request {}: import body cut off ({}); {}", ctx.request_id, cut.what(), done);
    }
    std::string import;
    domain::write_import_result(import, result);
    if (cut.kind() == http::BodyError::Kind::kTooLarge) {
        return http::error_response_with(Status::payload_too_large, "PAYLOAD_TOO_LARGE",
                                         "body exceeds the limit of " + std::to_string(cut.limit()) + " bytes; " + done,
                                         ctx.request_id, "import", import);
    }
    return http::error_response_with(Status::bad_request, "BAD_REQUEST",
                                     std::string("the request body was cut off (") + cut.what() + "); " + done,
                                     ctx.request_id, "import", import);
}

}  // namespace

void add_import_routes(http::Router& router, Services& services) {
    http::RouteOptions options;
    options.body_limit = services.settings->import_max_bytes;
    // Lines are parsed and stored while the rest of the body is still arriving.
    options.stream_body = true;
    router.add(http::Verb::post, "/v1/imports/shipments", idempotent(services, [&services](RequestContext& ctx) -> asio::awaitable<Response> {
        require_content_type(ctx, "application/x-ndjson");
        Importer importer(services.cluster->bulk());
        // (co_await is not allowed in a catch block: note the cut, act after it.)
        std::optional<http::BodyError> cut;
        if (ctx.body_stream) {
            try {
                for (;;) {
                    std::string_view piece = co_await ctx.body_stream->read_some();
                    if (piece.empty()) break;
                    co_await importer.feed(piece);
                }
            } catch (const http::BodyError& e) {
                cut = e;
            }
        } else {
            co_await importer.feed(ctx.request.body());  // buffered (an Idempotency-Key's hash needs it whole)
        }
        // (GCC 12 mis-compiles co_await in both arms of ?:, so an if.)
        domain::ImportResult result;
        if (cut) {
            result = co_await importer.stop();
        } else {
            result = co_await importer.finish();
        }
        // Fresh statistics for the planner after a large load, without holding the answer.
        const int analyze_rows = services.settings->import_analyze_rows;
        if (analyze_rows > 0 && result.accepted >= static_cast<std::size_t>(analyze_rows)) {
            analyze_in_background(co_await asio::this_coro::executor, services.cluster->bulk());
        }
        if (cut) co_return cut_short(*cut, result, importer.lines_seen(), ctx);
        std::string body;
        body.reserve(64 + 64 * result.created.size());
        domain::write_import_result(body, result);
        co_return json(Status::ok, std::move(body));
    }), options);
}

}  // namespace shipd::api
