// Server over real loopback sockets: keep-alive, limits, malformed input, request ids, the
// connection cap, slow clients, graceful shutdown with a request in flight, `100 Continue`, and
// streamed bodies (in pieces, chunked, over the limit, left unread, cut off by the client).
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <thread>

#include "http/body_stream.hpp"
#include "http/errors.hpp"
#include "http/server.hpp"
#include "support/http_client.hpp"

namespace shipd::http {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using testing::RawConnection;

class ServerTest : public ::testing::Test {
protected:
    void start(ServerSettings s = {}) {
        router_.add(Verb::get, "/ping", [](RequestContext& c) -> asio::awaitable<Response> {
            co_return json_response(Status::ok, "{\"id\":\"" + c.request_id + "\"}");
        });
        router_.add(Verb::post, "/echo", [](RequestContext& c) -> asio::awaitable<Response> {
            co_return json_response(Status::ok, std::to_string(c.request.body().size()));
        });
        router_.add(Verb::post, "/big", [](RequestContext& c) -> asio::awaitable<Response> {
            co_return json_response(Status::ok, std::to_string(c.request.body().size()));
        }, {.body_limit = 4 << 20});
        router_.add(Verb::get, "/slow", [](RequestContext&) -> asio::awaitable<Response> {
            asio::steady_timer t(co_await asio::this_coro::executor, 400ms);
            co_await t.async_wait(asio::use_awaitable);
            co_return json_response(Status::ok, "\"slow done\"");
        });
        router_.add(Verb::get, "/throws", [](RequestContext&) -> asio::awaitable<Response> {
            throw std::runtime_error("SELECT secret FROM internals");
            co_return json_response(Status::ok, "");
        });
        // Streamed: reads the body piece by piece; answers bytes, pieces and a checksum. A
        // BodyError is noted (cut_) and rethrown, so the server answers it.
        router_.add(Verb::post, "/stream", [this](RequestContext& c) -> asio::awaitable<Response> {
            std::size_t bytes = 0, pieces = 0, sum = 0;
            EXPECT_TRUE(c.body_stream);
            EXPECT_TRUE(c.request.body().empty());
            try {
                for (;;) {
                    std::string_view piece = co_await c.body_stream->read_some();
                    if (piece.empty()) break;
                    ++pieces;
                    bytes += piece.size();
                    for (unsigned char ch : piece) sum = sum * 31 + ch;
                }
            } catch (const BodyError& e) {
                cut_ = static_cast<int>(e.kind());
                cut_bytes_ = bytes;
                throw;
            }
            EXPECT_TRUE(c.body_stream->done());
            EXPECT_EQ(c.body_stream->bytes_read(), bytes);
            co_return json_response(Status::ok, "{\"bytes\":" + std::to_string(bytes) + ",\"pieces\":" +
                                                    std::to_string(pieces) + ",\"sum\":" + std::to_string(sum) + "}");
        }, {.body_limit = 1 << 20, .stream_body = true});
        // Streamed, but answers without reading (as a 401 or a 415 would).
        router_.add(Verb::post, "/stream-unread", [](RequestContext&) -> asio::awaitable<Response> {
            co_return json_response(Status::ok, "\"not read\"");
        }, {.body_limit = 1 << 20, .stream_body = true});
        // Streamed, then buffered whole (what an Idempotency-Key needs).
        router_.add(Verb::post, "/stream-whole", [](RequestContext& c) -> asio::awaitable<Response> {
            co_await buffer_whole_body(c);
            EXPECT_FALSE(c.body_stream);
            co_return json_response(Status::ok, std::to_string(c.request.body().size()));
        }, {.body_limit = 1 << 20, .stream_body = true});
        s.port = 0;
        server_ = std::make_unique<Server>(io_, s, router_);
        server_->start();
        thread_ = std::thread([this] { io_.run(); });
        port_ = server_->port();
    }

    void TearDown() override {
        if (thread_.joinable()) {
            if (server_) {
                auto f = asio::co_spawn(io_, server_->shutdown(1s), asio::use_future);
                f.wait_for(5s);
            }
            io_.stop();
            thread_.join();
        }
    }

    asio::io_context io_;
    Router router_;
    std::unique_ptr<Server> server_;
    std::thread thread_;
    int port_ = 0;
    std::atomic<int> cut_{-1};  ///< the BodyError kind /stream saw, -1: none
    std::atomic<std::size_t> cut_bytes_{0};
};

std::string body_of(std::size_t n) {
    std::string b;
    b.reserve(n);
    for (std::size_t i = 0; b.size() < n; ++i) b += "line " + std::to_string(i) + "\n";
    b.resize(n);
    return b;
}

std::size_t checksum(const std::string& body) {
    std::size_t sum = 0;
    for (unsigned char ch : body) sum = sum * 31 + ch;
    return sum;
}

// /stream's answer had all of `body` (its length and checksum); its piece count.
std::size_t expect_streamed(const std::optional<testing::HttpResponse>& r, const std::string& body) {
    EXPECT_TRUE(r);
    if (!r) return 0;
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_NE(r->body.find("\"bytes\":" + std::to_string(body.size()) + ","), std::string::npos) << r->body;
    EXPECT_NE(r->body.find("\"sum\":" + std::to_string(checksum(body)) + "}"), std::string::npos) << r->body;
    auto at = r->body.find("\"pieces\":");
    return at == std::string::npos ? 0 : std::stoul(r->body.substr(at + 9));
}

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
    start();
    RawConnection c(port_);
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(c.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n"));
        auto r = c.read_response();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 200);
        EXPECT_EQ(r->header("content-type"), "application/json");
        EXPECT_EQ(r->header("x-request-id").size(), 36u);
    }
    // Pipelined requests are answered in order.
    ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /ping HTTP/1.1\r\n\r\n"));
    auto a = c.read_response(), b = c.read_response();
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->body, "3");
    EXPECT_EQ(b->status, 200);
}

TEST_F(ServerTest, RequestIdIsEchoedWhenSaneAndReplacedWhenNot) {
    start();
    auto r = testing::http_request(port_, "GET", "/ping", "", "X-Request-Id: abc-123.X\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->header("x-request-id"), "abc-123.X");
    EXPECT_EQ(r->body, R"({"id":"abc-123.X"})");
    auto forged = testing::http_request(port_, "GET", "/ping", "", "X-Request-Id: a\"b{}\r\n");
    ASSERT_TRUE(forged);
    EXPECT_NE(forged->header("x-request-id"), "a\"b{}");
    EXPECT_EQ(forged->header("x-request-id").size(), 36u);
}

TEST_F(ServerTest, UnknownRouteIs404AndWrongMethodIs405WithAllow) {
    start();
    auto nf = testing::http_request(port_, "GET", "/nope");
    ASSERT_TRUE(nf);
    EXPECT_EQ(nf->status, 404);
    EXPECT_NE(nf->body.find("\"code\":\"NOT_FOUND\""), std::string::npos);
    EXPECT_NE(nf->body.find("\"request_id\":\"" + nf->header("x-request-id") + "\""), std::string::npos);
    auto na = testing::http_request(port_, "DELETE", "/ping");
    ASSERT_TRUE(na);
    EXPECT_EQ(na->status, 405);
    EXPECT_EQ(na->header("allow"), "GET");
    EXPECT_NE(na->body.find("METHOD_NOT_ALLOWED"), std::string::npos);
}

TEST_F(ServerTest, BytesThatAreNotUtf8InThePathStillGiveValidJson) {
    start();
    RawConnection c(port_);
    c.send(std::string("GET /nope\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404);
    EXPECT_EQ(r->body.find('\xff'), std::string::npos) << "raw invalid UTF-8 in a JSON body";
    EXPECT_NE(r->body.find("/nope\\ufffd\\ufffd"), std::string::npos) << r->body;
}

TEST_F(ServerTest, BodyOverTheLimitIs413ByLengthAndByChunks) {
    ServerSettings s;
    s.body_limit = 1024;
    start(s);
    auto big = testing::http_request(port_, "POST", "/echo", std::string(1025, 'x'));
    ASSERT_TRUE(big);
    EXPECT_EQ(big->status, 413);
    EXPECT_NE(big->body.find("PAYLOAD_TOO_LARGE"), std::string::npos);

    RawConnection c(port_);
    std::string chunked = "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 3; ++i) chunked += "200\r\n" + std::string(512, 'y') + "\r\n";
    chunked += "0\r\n\r\n";
    c.send(chunked);
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_TRUE(c.closed_by_peer(2s));

    auto exact = testing::http_request(port_, "POST", "/echo", std::string(1024, 'x'));
    ASSERT_TRUE(exact);
    EXPECT_EQ(exact->status, 200);
    EXPECT_EQ(exact->body, "1024");
    // A route may accept more than the default.
    auto route_limit = testing::http_request(port_, "POST", "/big", std::string(100'000, 'x'));
    ASSERT_TRUE(route_limit);
    EXPECT_EQ(route_limit->body, "100000");
}

TEST_F(ServerTest, TenMebibyteBodyIsRefusedWithoutReadingIt) {
    start();
    RawConnection c(port_);
    c.send("POST /echo HTTP/1.1\r\nContent-Length: 10485760\r\n\r\n");
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_TRUE(c.closed_by_peer(2s));
}

TEST_F(ServerTest, HugeHeadersAre431) {
    start();
    auto r = testing::http_request(port_, "GET", "/ping", "", "X-Junk: " + std::string(20000, 'a') + "\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 431);
}

TEST_F(ServerTest, MalformedRequestsAre400AndTheServerLivesOn) {
    start();
    for (std::string junk : {std::string("GARBAGE\r\n\r\n"), std::string("GET / HTTP/9.9\r\n\r\n"),
                             std::string("GET /ping HTTP/1.1\r\nContent-Length: abc\r\n\r\n"),
                             std::string("\x01\x02\x03\r\n\r\n", 7),
                             std::string("POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n")}) {
        RawConnection c(port_);
        c.send(junk);
        auto r = c.read_response(3s);
        ASSERT_TRUE(r) << junk;
        EXPECT_EQ(r->status, 400) << junk;
        EXPECT_NE(r->body.find("BAD_REQUEST"), std::string::npos);
    }
    auto ok = testing::http_request(port_, "GET", "/ping");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
}

TEST_F(ServerTest, HandlerExceptionIs500WithoutInternals) {
    start();
    auto r = testing::http_request(port_, "GET", "/throws");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 500);
    EXPECT_NE(r->body.find("\"code\":\"INTERNAL\""), std::string::npos);
    EXPECT_EQ(r->body.find("SELECT"), std::string::npos);
}

TEST_F(ServerTest, ConnectionsPastTheCapGet503Overloaded) {
    ServerSettings s;
    s.max_connections = 2;
    start(s);
    RawConnection a(port_), b(port_);
    a.send("GET /ping HTTP/1.1\r\n\r\n");
    b.send("GET /ping HTTP/1.1\r\n\r\n");
    ASSERT_TRUE(a.read_response());
    ASSERT_TRUE(b.read_response());
    RawConnection c(port_);
    auto r = c.read_response(3s);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);
    EXPECT_NE(r->body.find("OVERLOADED"), std::string::npos);
    EXPECT_EQ(r->header("retry-after"), "1");
}

TEST_F(ServerTest, SlowClientIsCutOffAtTheReadTimeout) {
    ServerSettings s;
    s.read_timeout = 1s;
    start(s);
    RawConnection c(port_);
    c.send("GET /ping HTTP/1.1\r\nHost: x\r\n");  // never finishes its headers
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(c.closed_by_peer(5s));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
}

TEST_F(ServerTest, ShutdownLetsTheInFlightRequestFinishAndClosesIdleOnes) {
    start();
    RawConnection busy(port_), idle(port_);
    idle.send("GET /ping HTTP/1.1\r\n\r\n");
    ASSERT_TRUE(idle.read_response());
    busy.send("GET /slow HTTP/1.1\r\n\r\n");
    std::this_thread::sleep_for(100ms);  // the slow request is now in flight
    auto done = asio::co_spawn(io_, server_->shutdown(5s), asio::use_future);
    EXPECT_TRUE(idle.closed_by_peer(2s));
    auto r = busy.read_response(3s);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "\"slow done\"");
    EXPECT_EQ(r->header("connection"), "close");
    EXPECT_EQ(done.wait_for(3s), std::future_status::ready);
    EXPECT_THROW(RawConnection late(port_), std::runtime_error);
}

TEST(ServerBind, PortInUseIsAClearError) {
    asio::io_context io;
    Router router;
    ServerSettings s;
    s.port = 0;
    Server first(io, s, router);
    s.port = first.port();
    try {
        Server second(io, s, router);
        FAIL() << "bound a port in use";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("already in use"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("SHIPD_PORT"), std::string::npos) << e.what();
    }
}

TEST_F(ServerTest, StreamedBodySentInManyPiecesArrivesWholeInPieces) {
    start();
    RawConnection c(port_);
    const std::string body = body_of(600'000);
    ASSERT_TRUE(c.send("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n"));
    // 60 sends with pauses: the handler has pieces before the last byte is sent.
    for (std::size_t off = 0; off < body.size(); off += 10'000) {
        ASSERT_TRUE(c.send(body.substr(off, 10'000)));
        std::this_thread::sleep_for(2ms);
    }
    auto r = c.read_response();
    EXPECT_GT(expect_streamed(r, body), 10u);
    // Read to its end: the connection carries the next request.
    ASSERT_TRUE(c.send("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"));
    EXPECT_EQ(expect_streamed(c.read_response(), "hello"), 1u);
    // And an empty body is one empty read.
    ASSERT_TRUE(c.send("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
    EXPECT_EQ(expect_streamed(c.read_response(), ""), 0u);
    EXPECT_EQ(cut_, -1);
}

TEST_F(ServerTest, StreamedChunkedBodyArrivesWhole) {
    start();
    RawConnection c(port_);
    const std::string body = body_of(300'000);
    ASSERT_TRUE(c.send("POST /stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
    for (std::size_t off = 0; off < body.size(); off += 7'000) {
        std::string piece = body.substr(off, 7'000);
        char size[16];
        std::snprintf(size, sizeof size, "%zx", piece.size());
        ASSERT_TRUE(c.send(std::string(size) + "\r\n" + piece + "\r\n"));
    }
    ASSERT_TRUE(c.send("0\r\n\r\n"));
    EXPECT_GT(expect_streamed(c.read_response(), body), 1u);
    // Buffered whole from the stream, too.
    ASSERT_TRUE(c.send("POST /stream-whole HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n"));
    auto whole = c.read_response();
    ASSERT_TRUE(whole);
    EXPECT_EQ(whole->body, "7");
}

TEST_F(ServerTest, StreamedBodyOverTheLimitIs413WhileStreamingOrBeforeByLength) {
    start();
    {
        // Declared over the limit: refused before the handler runs.
        RawConnection c(port_);
        ASSERT_TRUE(c.send("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string((1 << 20) + 1) + "\r\n\r\n"));
        auto r = c.read_response();
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 413);
        EXPECT_EQ(cut_, -1);
        EXPECT_TRUE(c.closed_by_peer(2s));
    }
    // Chunked past the limit: the handler has read up to it, then the 413 (API.md's shape).
    RawConnection c(port_);
    ASSERT_TRUE(c.send("POST /stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
    const std::string piece(64 << 10, 'z');
    for (int i = 0; i < 17; ++i) {  // 17 x 64 KiB > 1 MiB
        if (!c.send("10000\r\n" + piece + "\r\n")) break;
    }
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413) << r->body;
    EXPECT_NE(r->body.find("\"code\":\"PAYLOAD_TOO_LARGE\""), std::string::npos) << r->body;
    EXPECT_NE(r->body.find("\"request_id\""), std::string::npos) << r->body;
    EXPECT_EQ(r->header("connection"), "close");
    EXPECT_EQ(cut_, static_cast<int>(BodyError::Kind::kTooLarge));
    EXPECT_LE(cut_bytes_, std::size_t{1} << 20);
    EXPECT_TRUE(c.closed_by_peer(3s));
    EXPECT_EQ(testing::http_request(port_, "GET", "/ping")->status, 200);
}

TEST_F(ServerTest, ExpectContinueGets100ThenTheAnswer) {
    start();
    for (std::string route : {"/stream", "/echo"}) {
        RawConnection c(port_);
        ASSERT_TRUE(c.send("POST " + route + " HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
        // The client sends nothing more until told to.
        auto go_on = c.read_response(2s);
        ASSERT_TRUE(go_on) << route;
        EXPECT_EQ(go_on->status, 100) << route;
        ASSERT_TRUE(c.send("hello"));
        auto r = c.read_response();
        ASSERT_TRUE(r) << route;
        EXPECT_EQ(r->status, 200) << route;
    }
    // A route that answers without reading sends no 100: the client never sent the body, so
    // the connection closes after the answer.
    RawConnection c(port_);
    ASSERT_TRUE(c.send("POST /stream-unread HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("connection"), "close");
    EXPECT_TRUE(c.closed_by_peer(3s));
}

TEST_F(ServerTest, AStreamedBodyLeftUnreadIsDroppedAndTheConnectionLivesOn) {
    start();
    RawConnection c(port_);
    const std::string body = body_of(200'000);
    ASSERT_TRUE(c.send("POST /stream-unread HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
                       "\r\n\r\n" + body));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    ASSERT_TRUE(c.send("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"));
    EXPECT_EQ(expect_streamed(c.read_response(), "abc"), 1u);
}

TEST_F(ServerTest, AClientGoneMidBodyEndsTheStreamAndTheServerLivesOn) {
    start();
    {
        RawConnection c(port_);
        ASSERT_TRUE(c.send("POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: 500000\r\n\r\n" + body_of(100'000)));
        std::this_thread::sleep_for(100ms);
    }  // closed with 400,000 bytes unsent
    for (int i = 0; i < 100 && cut_ == -1; ++i) std::this_thread::sleep_for(20ms);
    EXPECT_EQ(cut_, static_cast<int>(BodyError::Kind::kClosed));
    EXPECT_EQ(cut_bytes_, 100'000u);
    auto ping = testing::http_request(port_, "GET", "/ping");
    ASSERT_TRUE(ping);
    EXPECT_EQ(ping->status, 200);
    for (int i = 0; i < 100 && server_->open_connections() > 0; ++i) std::this_thread::sleep_for(20ms);
    EXPECT_EQ(server_->open_connections(), 0);
}

}  // namespace
}  // namespace shipd::http
