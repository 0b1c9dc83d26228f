// BodyStream helpers: buffering a streamed body whole, and the error answers.
#include "http/body_stream.hpp"

#include "http/errors.hpp"

namespace shipd::http {

boost::asio::awaitable<void> buffer_whole_body(RequestContext& ctx) {
    if (!ctx.body_stream) co_return;
    auto& body = ctx.request.body();
    for (;;) {
        std::string_view piece = co_await ctx.body_stream->read_some();
        if (piece.empty()) break;
        body += piece;
    }
    ctx.body_stream = nullptr;
}

Response body_error_response(const BodyError& error, std::string_view request_id) {
    switch (error.kind()) {
        case BodyError::Kind::kTooLarge:
            return error_response(Status::payload_too_large, "PAYLOAD_TOO_LARGE",
                                  "body exceeds the limit of " + std::to_string(error.limit()) + " bytes", request_id);
        case BodyError::Kind::kMalformed:
            return error_response(Status::bad_request, "BAD_REQUEST",
                                  std::string("malformed HTTP request body: ") + error.what(), request_id);
        case BodyError::Kind::kClosed:
            break;
    }
    return error_response(Status::bad_request, "BAD_REQUEST",
                          std::string("the request body was cut off: ") + error.what(), request_id);
}

}  // namespace shipd::http
