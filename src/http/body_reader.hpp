// ParserBodyStream: the server's BodyStream over a Beast parser (internal to http/): the
// header is in, the body is parsed into a fixed buffer a piece at a time, `100 Continue`
// goes out on the first read when the client asked for it.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <optional>
#include <vector>

#include "http/body_stream.hpp"

namespace shipd::http {

/// A malformed request (as opposed to a closed, reset or timed-out connection): worth a 400.
bool is_parse_error(const boost::system::error_code& ec);

class ParserBodyStream final : public BodyStream {
public:
    /// Takes over `header_parser` (its header read, its body not begun, its body limit set
    /// to `limit`); reads from `stream` through `buffer` (which may already hold body bytes).
    ParserBodyStream(boost::beast::tcp_stream& stream, boost::beast::flat_buffer& buffer,
                     bhttp::request_parser<bhttp::string_body>&& header_parser, std::uint64_t limit,
                     std::chrono::seconds read_timeout, bool expects_continue);

    boost::asio::awaitable<std::string_view> read_some() override;
    bool done() const override { return done_; }
    std::uint64_t bytes_read() const override { return bytes_; }

    /// After the handler answered: reads and drops what is left of the body, so the
    /// connection can carry the next request. False when it cannot (the body failed, or the
    /// client is waiting for a `100 Continue` it never got and will not send the body).
    boost::asio::awaitable<bool> finish();

private:
    [[noreturn]] void fail(BodyError::Kind kind, std::string message);

    boost::beast::tcp_stream& stream_;
    boost::beast::flat_buffer& buffer_;
    bhttp::request_parser<bhttp::buffer_body> parser_;
    std::uint64_t limit_;
    std::chrono::seconds read_timeout_;
    bool expects_continue_;
    bool continued_ = false;
    bool done_ = false;
    std::optional<BodyError> failed_;
    std::uint64_t bytes_ = 0;
    std::vector<char> piece_;
};

}  // namespace shipd::http
