// Server: listener and sessions (Beast, C++20 coroutines), limits, keep-alive, shutdown.
#include "http/server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <limits>
#include <list>
#include <stdexcept>

#include "http/body_reader.hpp"
#include "http/errors.hpp"
#include "http/request_id.hpp"
#include "http/response_wire.hpp"

namespace shipd::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// How often shutdown looks whether the last in-flight request has finished.
constexpr auto kShutdownPoll = std::chrono::milliseconds(10);

// After an answer given before the whole body was read: how long the client gets to see it
// while what it still sends is read and dropped (closing at once, with unread bytes in the
// socket, resets the connection and may destroy the answer before the client reads it).
constexpr auto kLingerOnClose = std::chrono::seconds(2);

// The client waits for `100 Continue` before it sends the body (RFC 9110 10.1.1).
bool expects_continue(const Request& head) {
    return head.version() >= 11 && beast::iequals(head[bhttp::field::expect], "100-continue");
}

// Writes `res`: its head into `head` (reused between a session's answers) and head and body
// in one gather write (http/response_wire.hpp); a chunked answer through Beast's serializer.
// Unlike Beast's write, a `Connection: close` answer is not reported as end_of_stream.
asio::awaitable<boost::system::error_code> write_response(beast::tcp_stream& stream, Response& res,
                                                          std::string& head) {
    if (res.chunked()) {
        auto [ec, n] = co_await bhttp::async_write(stream, res, kNoThrow);
        co_return ec == bhttp::error::end_of_stream ? boost::system::error_code{} : ec;
    }
    head.clear();
    append_response_head(head, res);
    const std::array<asio::const_buffer, 2> wire{asio::buffer(head), asio::buffer(res.body())};
    auto [ec, n] = co_await asio::async_write(stream, wire, kNoThrow);
    co_return ec;
}

struct Server::State : std::enable_shared_from_this<Server::State> {
    /// What shutdown needs to know of a session: its stream and whether a request is in flight.
    struct Session {
        beast::tcp_stream* stream;
        bool busy = false;
    };

    asio::io_context& loop;
    ServerSettings settings;
    const Router& router;
    tcp::acceptor acceptor;
    std::list<Session> sessions;
    bool stopping = false;
    int port = 0;

    State(asio::io_context& l, ServerSettings s, const Router& r)
        : loop(l), settings(std::move(s)), router(r), acceptor(l) {}

    void listen() {
        boost::system::error_code ec;
        auto address = asio::ip::make_address(settings.host, ec);
        if (ec) throw std::runtime_error("SHIPD_HOST '" + settings.host + "' is not an IP address");
        tcp::endpoint ep(address, static_cast<unsigned short>(settings.port));
        acceptor.open(ep.protocol());
        acceptor.set_option(asio::socket_base::reuse_address(true));
        if (settings.reuse_port) {
            int one = 1;
            setsockopt(acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
        }
        acceptor.bind(ep, ec);
        if (ec) {
            std::string where = settings.host + ":" + std::to_string(settings.port);
            if (ec == asio::error::address_in_use) {
                throw std::runtime_error(where + " is already in use: stop the program using it "
                                         "or set SHIPD_PORT to another port");
            }
            throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
        }
        acceptor.listen(settings.backlog);
        port = acceptor.local_endpoint().port();
    }

    asio::awaitable<void> accept_loop() {
        auto self = shared_from_this();
        while (!stopping) {
            auto [ec, socket] = co_await acceptor.async_accept(kNoThrow);
            if (ec) {
                if (stopping || ec == asio::error::operation_aborted) break;
                // EMFILE and the like: back off a little instead of spinning.
                spdlog::warn("accept failed: {}", ec.message());
                asio::steady_timer t(loop, std::chrono::milliseconds(50));
                co_await t.async_wait(kNoThrow);
                continue;
            }
            socket.set_option(tcp::no_delay(true), ec);
            if (static_cast<int>(sessions.size()) >= settings.max_connections) {
                asio::co_spawn(loop, refuse(std::move(socket)), asio::detached);
                continue;
            }
            asio::co_spawn(loop, session(beast::tcp_stream(std::move(socket))), asio::detached);
        }
    }

    // Over the connection cap: say so and close, rather than leave the client hanging.
    asio::awaitable<void> refuse(tcp::socket socket) {
        auto self = shared_from_this();
        beast::tcp_stream stream(std::move(socket));
        Response res = error_response(Status::service_unavailable, "OVERLOADED",
                                      "too many open connections; retry shortly", new_request_id(), {}, 1);
        res.keep_alive(false);
        stream.expires_after(std::chrono::seconds(1));
        std::string head;
        co_await write_response(stream, res, head);
        boost::system::error_code ec;
        stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    }

    asio::awaitable<Response> dispatch(Request& req, Match& m, std::string request_id,
                                       BodyStream* body_stream = nullptr) {
        RequestContext ctx{req, std::move(request_id), m.route, std::move(m.params),
                           std::chrono::steady_clock::now(), {}, {}, body_stream};
        Handler fallback;
        const Handler* handler = m.handler;
        if (m.kind == Match::Kind::kNotFound) {
            fallback = [](RequestContext& c) -> asio::awaitable<Response> {
                co_return error_response(Status::not_found, "NOT_FOUND",
                                         "no route for " + std::string(target_path(c.request.target())),
                                         c.request_id);
            };
            handler = &fallback;
        } else if (m.kind == Match::Kind::kMethodNotAllowed) {
            fallback = [allow = m.allow](RequestContext& c) -> asio::awaitable<Response> {
                Response r = error_response(Status::method_not_allowed, "METHOD_NOT_ALLOWED",
                                            std::string(c.request.method_string()) + " is not allowed here; allowed: " + allow,
                                            c.request_id);
                r.set(bhttp::field::allow, allow);
                co_return r;
            };
            handler = &fallback;
        }
        Response res;
        try {
            res = co_await router.run(ctx, *handler);
        } catch (const BodyError& e) {
            res = body_error_response(e, ctx.request_id);
        } catch (const std::exception& e) {
            // Middleware maps known errors; anything reaching here is a bug: log, answer 500.
            spdlog::error("request {} {} {}: unhandled error: {}", ctx.request_id,
                          std::string(req.method_string()), std::string(ctx.route), e.what());
            res = error_response(Status::internal_server_error, "INTERNAL",
                                 "internal error; the request id ties it to the log", ctx.request_id);
        }
        res.set(bhttp::field::server, "shipd");
        res.set("X-Request-Id", ctx.request_id);
        co_return res;
    }

    // A streaming route's request: its handler reads the body through a ParserBodyStream that
    // takes over `parser` (header in, body not begun). True when the body was read to its end.
    asio::awaitable<bool> dispatch_streamed(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                            bhttp::request_parser<bhttp::string_body>& parser, std::size_t limit,
                                            Request& req, Match& m, std::string& request_id, Response& res) {
        ParserBodyStream body(stream, buffer, std::move(parser), limit, settings.read_timeout,
                              expects_continue(req));
        res = co_await dispatch(req, m, std::move(request_id), &body);
        co_return co_await body.finish();
    }

    asio::awaitable<void> write_and_close(beast::tcp_stream& stream, Response res) {
        res.keep_alive(false);
        res.set(bhttp::field::server, "shipd");
        stream.expires_after(settings.write_timeout);
        std::string head;
        co_await write_response(stream, res, head);
    }

    // Reads the whole body of a request whose header is in (after `100 Continue` when the
    // client waits for it). False when the connection must end: it broke, or the body was
    // over the limit or malformed (answered here).
    asio::awaitable<bool> read_body(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                    bhttp::request_parser<bhttp::string_body>& parser, std::size_t limit,
                                    const std::string& request_id) {
        if (parser.is_done()) co_return true;
        if (expects_continue(parser.get())) {
            bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, 11};
            stream.expires_after(settings.write_timeout);
            auto [cec, cn] = co_await bhttp::async_write(stream, go_on, kNoThrow);
            if (cec) co_return false;
        }
        stream.expires_after(settings.read_timeout);
        auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, kNoThrow);
        if (ec == bhttp::error::body_limit) {
            co_await write_and_close(stream, error_response(Status::payload_too_large, "PAYLOAD_TOO_LARGE",
                "body exceeds the limit of " + std::to_string(limit) + " bytes", request_id));
            co_await linger(stream);
        } else if (ec && is_parse_error(ec)) {
            co_await write_and_close(stream, error_response(Status::bad_request, "BAD_REQUEST",
                "malformed HTTP request body: " + ec.message(), request_id));
        }
        co_return !ec;
    }

    // Writes the answer; when it went before the whole body was read, lingers (the connection
    // ends after it). False when the connection broke.
    asio::awaitable<bool> answer(beast::tcp_stream& stream, Response& res, bool body_read, std::string& head) {
        // A 304 has no body and must not claim a Content-Length other than the 200's (RFC 9110).
        if (!res.has_content_length() && !res.chunked() && res.result() != Status::not_modified) res.prepare_payload();
        stream.expires_after(settings.write_timeout);
        const boost::system::error_code ec = co_await write_response(stream, res, head);
        if (ec) co_return false;
        if (!body_read) co_await linger(stream);
        co_return true;
    }

    // The answer went out before the client finished sending its body: stop sending, and
    // read and drop what still comes for a moment, so the client gets to read the answer.
    asio::awaitable<void> linger(beast::tcp_stream& stream) {
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream.expires_after(kLingerOnClose);
        std::vector<char> sink(16 << 10);
        for (;;) {
            auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), kNoThrow);
            if (ec) break;
        }
    }

    // GCC 12 warns, wrongly, that a coroutine frame made by asio's operator new is freed by
    // its aligned_delete once enough coroutine calls are inlined here (a GCC 12 false
    // positive on coroutine frames; the frame is allocated and freed by asio alone).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
    asio::awaitable<void> session(beast::tcp_stream stream) {
        auto self = shared_from_this();
        auto me = sessions.insert(sessions.end(), Session{&stream});
        beast::flat_buffer buffer;
        std::string answer_head;  // each answer's status line and fields (write_response)
        bool first = true;
        for (;;) {
            me->busy = false;
            if (stopping) break;
            bhttp::request_parser<bhttp::string_body> parser;
            parser.header_limit(static_cast<std::uint32_t>(settings.header_limit));
            // The route decides the body limit once the header is in (imports take more).
            parser.body_limit(std::numeric_limits<std::uint64_t>::max());
            stream.expires_after(first ? settings.read_timeout : settings.keepalive_timeout);
            auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kNoThrow);
            me->busy = true;
            first = false;
            if (ec) {
                std::string id = new_request_id();
                if (ec == bhttp::error::header_limit) {
                    co_await write_and_close(stream, error_response(Status::request_header_fields_too_large,
                        "HEADERS_TOO_LARGE", "request headers exceed " + std::to_string(settings.header_limit) + " bytes", id));
                } else if (is_parse_error(ec)) {
                    co_await write_and_close(stream, error_response(Status::bad_request, "BAD_REQUEST",
                        "malformed HTTP request: " + ec.message(), id));
                }
                break;  // closed, timed out, or answered above
            }
            // The header is in: the route decides how large a body may be.
            Request& head = parser.get();
            Match m = router.match(head.method(), head.target());
            std::size_t limit = m.body_limit ? m.body_limit : settings.body_limit;
            parser.body_limit(limit);
            std::string request_id = request_id_from(head["X-Request-Id"]);
            if (parser.content_length() && *parser.content_length() > limit) {
                co_await write_and_close(stream, error_response(Status::payload_too_large, "PAYLOAD_TOO_LARGE",
                    "body of " + std::to_string(*parser.content_length()) + " bytes exceeds the limit of " +
                        std::to_string(limit) + " bytes", request_id));
                break;
            }
            Request req;
            Response res;
            bool body_read = true;  // false: the answer goes before the rest of the body
            if (m.stream_body) {
                // The route reads its body as it arrives; what it leaves unread is dropped.
                req.base() = head.base();
                body_read = co_await dispatch_streamed(stream, buffer, parser, limit, req, m, request_id, res);
            } else {
                const bool read = co_await read_body(stream, buffer, parser, limit, request_id);
                if (!read) break;
                req = parser.release();
                res = co_await dispatch(req, m, std::move(request_id));
            }
            res.keep_alive(req.keep_alive() && body_read && !stopping);
            const bool written = co_await answer(stream, res, body_read, answer_head);
            if (!written || !res.keep_alive()) break;
        }
        boost::system::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream.close();
        sessions.erase(me);
    }
#pragma GCC diagnostic pop
};

Server::Server(asio::io_context& loop, ServerSettings settings, const Router& router)
    : state_(std::make_shared<State>(loop, std::move(settings), router)) {
    state_->listen();
}

Server::~Server() {
    boost::system::error_code ec;
    state_->stopping = true;
    state_->acceptor.close(ec);
}

void Server::start() { asio::co_spawn(state_->loop, state_->accept_loop(), asio::detached); }

asio::awaitable<void> Server::shutdown(std::chrono::milliseconds grace) {
    auto s = state_;
    s->stopping = true;
    boost::system::error_code ec;
    s->acceptor.close(ec);
    // Idle keep-alive connections have nothing to finish: close them now.
    for (auto& session : s->sessions) {
        if (!session.busy) session.stream->socket().cancel(ec);
    }
    auto deadline = std::chrono::steady_clock::now() + grace;
    asio::steady_timer timer(s->loop);
    while (!s->sessions.empty() && std::chrono::steady_clock::now() < deadline) {
        timer.expires_after(kShutdownPoll);
        co_await timer.async_wait(kNoThrow);
        for (auto& session : s->sessions) {
            if (!session.busy) session.stream->socket().cancel(ec);
        }
    }
    if (!s->sessions.empty()) {
        spdlog::warn("shutdown grace of {} ms over: closing {} connection(s) with requests in flight",
                     grace.count(), s->sessions.size());
        for (auto& session : s->sessions) session.stream->socket().close(ec);
    }
}

int Server::port() const { return state_->port; }

int Server::open_connections() const { return static_cast<int>(state_->sessions.size()); }

}  // namespace shipd::http
