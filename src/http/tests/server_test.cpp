// Server over real loopback sockets: keep-alive, limits, malformed input, request ids, the
// connection cap, slow clients, and graceful shutdown with a request in flight.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <thread>

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
};

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

}  // namespace
}  // namespace shipd::http
