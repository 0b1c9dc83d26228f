// BodyStream: a request body handed to its route as it arrives (RouteOptions::stream_body),
// so a long upload and the work on it overlap; BodyError when the body cannot be had.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "http/types.hpp"

namespace shipd::http {

/// Why a streamed body stopped before its end.
class BodyError : public std::runtime_error {
public:
    enum class Kind {
        kTooLarge,   ///< over the route's limit (a chunked body, or one longer than declared)
        kMalformed,  ///< bad chunk framing
        kClosed,     ///< the client closed or reset the connection, or stalled past the read timeout
    };
    BodyError(Kind kind, std::uint64_t limit, std::string message)
        : std::runtime_error(std::move(message)), kind_(kind), limit_(limit) {}
    Kind kind() const { return kind_; }
    /// The route's body limit in bytes.
    std::uint64_t limit() const { return limit_; }

private:
    Kind kind_;
    std::uint64_t limit_;
};

/// The body of one request, read piece by piece. The server makes one per request of a
/// streaming route and sets RequestContext::body_stream to it; it lives until the handler
/// returns. Reading it is what sends `100 Continue` to a client that asked for one.
class BodyStream {
public:
    virtual ~BodyStream() = default;
    /// The next piece of the body (a few hundred KiB at most), valid until the next call; an
    /// empty view once the body is complete. Throws BodyError; after one, the connection is
    /// closed once the handler has answered.
    virtual boost::asio::awaitable<std::string_view> read_some() = 0;
    /// True once read_some has returned the last piece.
    virtual bool done() const = 0;
    /// Body bytes handed out so far.
    virtual std::uint64_t bytes_read() const = 0;
};

/// Reads what is left of a streamed body into ctx.request.body() and clears ctx.body_stream,
/// so code that needs the whole body (a hash of it) works on either kind of route; a no-op
/// when the body is already buffered. Throws BodyError.
boost::asio::awaitable<void> buffer_whole_body(RequestContext& ctx);

/// API.md's answer to a BodyError: 413 PAYLOAD_TOO_LARGE, 400 BAD_REQUEST (malformed or
/// cut-off body; a client that went away never reads it).
Response body_error_response(const BodyError& error, std::string_view request_id);

}  // namespace shipd::http
