// ParserBodyStream: a request body read a piece at a time from the connection.
#include "http/body_reader.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace shipd::http {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
// One piece handed to the route at most; Beast reads the socket by 64 KiB at most anyway.
constexpr std::size_t kPiece = 64 << 10;

}  // namespace

bool is_parse_error(const boost::system::error_code& ec) {
    return ec.category() == boost::system::error_code(bhttp::error::bad_method).category() &&
           ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

ParserBodyStream::ParserBodyStream(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                   bhttp::request_parser<bhttp::string_body>&& header_parser,
                                   std::uint64_t limit, std::chrono::seconds read_timeout,
                                   bool expects_continue)
    : stream_(stream),
      buffer_(buffer),
      parser_(std::move(header_parser)),
      limit_(limit),
      read_timeout_(read_timeout),
      expects_continue_(expects_continue),
      piece_(kPiece) {}

void ParserBodyStream::fail(BodyError::Kind kind, std::string message) {
    failed_.emplace(kind, limit_, std::move(message));
    throw *failed_;
}

asio::awaitable<std::string_view> ParserBodyStream::read_some() {
    if (failed_) throw *failed_;
    if (done_) co_return std::string_view();
    if (expects_continue_ && !continued_ && !parser_.is_done()) {
        // The client holds the body back until told to send it (RFC 9110 10.1.1).
        continued_ = true;
        bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, 11};
        stream_.expires_after(read_timeout_);
        auto [ec, n] = co_await bhttp::async_write(stream_, go_on, kNoThrow);
        if (ec) fail(BodyError::Kind::kClosed, "could not send 100 Continue: " + ec.message());
    }
    for (;;) {
        if (parser_.is_done()) {
            done_ = true;
            co_return std::string_view();
        }
        auto& body = parser_.get().body();
        body.data = piece_.data();
        body.size = piece_.size();
        // A stall, not the whole upload, is bounded: a large body may take longer than that.
        stream_.expires_after(read_timeout_);
        auto [ec, n] = co_await bhttp::async_read_some(stream_, buffer_, parser_, kNoThrow);
        if (ec == bhttp::error::need_buffer) ec = {};
        const std::size_t got = piece_.size() - parser_.get().body().size;
        if (ec == bhttp::error::body_limit) {
            fail(BodyError::Kind::kTooLarge, "body exceeds the limit of " + std::to_string(limit_) + " bytes");
        }
        if (ec) fail(is_parse_error(ec) ? BodyError::Kind::kMalformed : BodyError::Kind::kClosed, ec.message());
        if (got > 0) {
            bytes_ += got;
            co_return std::string_view(piece_.data(), got);
        }
    }
}

asio::awaitable<bool> ParserBodyStream::finish() {
    if (failed_) co_return false;
    if (expects_continue_ && !continued_ && !parser_.is_done()) co_return false;
    try {
        while (!(co_await read_some()).empty()) {
        }
    } catch (const BodyError&) {
        // (noted in failed_)
    }
    co_return !failed_;
}

}  // namespace shipd::http
