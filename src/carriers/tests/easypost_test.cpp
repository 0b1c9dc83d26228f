// EasyPostCarrier against a local fake EasyPost (Beast on 127.0.0.1, EasyPost's wire format):
// the request shape, purchases, error bodies, retries, Retry-After, timeouts, garbage.
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json.hpp>

#include <deque>
#include <mutex>
#include <thread>

#include "carriers/detail/easypost_wire.hpp"
#include "carriers/easypost.hpp"

namespace shipd::carriers {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

constexpr std::string_view kKey = "EZTK_test_0123456789abcdef";
// base64("EZTK_test_0123456789abcdef:"): the key as user name, empty password.
constexpr std::string_view kBasic = "Basic RVpUS190ZXN0XzAxMjM0NTY3ODlhYmNkZWY6";

/// A reply the test scripts for the next request, instead of the fake's default behaviour.
struct Scripted {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    bool hang = false;    ///< never answer (the client's timeout must fire)
    bool act = false;     ///< do what the request asks, but answer with this reply instead
};

Scripted answer(int status, std::string body,
                std::vector<std::pair<std::string, std::string>> headers = {}) {
    Scripted r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    return r;
}
Scripted hang() {
    Scripted r;
    r.hang = true;
    return r;
}
Scripted act_then_answer(int status, std::string body) {
    Scripted r = answer(status, std::move(body));
    r.act = true;
    return r;
}

/// What the fake saw of one request.
struct Seen {
    std::string method;
    std::string target;
    std::string authorization;
    std::string content_type;
    std::string body;
};

/// A fake EasyPost: POST /v2/shipments, POST /v2/shipments/{id}/buy, GET /v2/shipments/{id},
/// with EasyPost's Basic auth, {"shipment": ...} wrapping, Shipment objects and error bodies.
class FakeEasyPost {
public:
    FakeEasyPost() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
        port_ = acceptor_.local_endpoint().port();
        asio::co_spawn(io_, accept_loop(), asio::detached);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~FakeEasyPost() {
        io_.stop();
        thread_.join();
    }

    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v2"; }
    int port() const { return port_; }

    void script(std::vector<Scripted> replies) {
        std::lock_guard lock(mu_);
        for (auto& r : replies) script_.push_back(std::move(r));
    }
    std::vector<Seen> seen() {
        std::lock_guard lock(mu_);
        return seen_;
    }

private:
    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor_.async_accept(kNoThrow);
            if (ec) co_return;
            asio::co_spawn(io_, session(beast::tcp_stream(std::move(socket))), asio::detached);
        }
    }

    asio::awaitable<void> session(beast::tcp_stream stream) {
        beast::flat_buffer buffer;
        bhttp::request<bhttp::string_body> req;
        auto [ec, n] = co_await bhttp::async_read(stream, buffer, req, kNoThrow);
        if (ec) co_return;
        std::optional<Scripted> scripted;
        {
            std::lock_guard lock(mu_);
            seen_.push_back({std::string(req.method_string()), std::string(req.target()),
                             std::string(req[bhttp::field::authorization]),
                             std::string(req[bhttp::field::content_type]), req.body()});
            if (!script_.empty()) {
                scripted = std::move(script_.front());
                script_.pop_front();
            }
        }
        bhttp::response<bhttp::string_body> res;
        if (scripted && scripted->hang) {
            asio::steady_timer t(io_, 10s);  // far past any client timeout; the test ends first
            co_await t.async_wait(kNoThrow);
            co_return;
        }
        if (!scripted || scripted->act) res = handle(req);
        if (scripted) {
            res = {};
            res.result(static_cast<unsigned>(scripted->status));
            res.set(bhttp::field::content_type, "application/json");
            for (auto& [k, v] : scripted->headers) res.set(k, v);
            res.body() = scripted->body;
        }
        res.version(11);
        res.keep_alive(false);
        res.prepare_payload();
        co_await bhttp::async_write(stream, res, kNoThrow);
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    }

    static bhttp::response<bhttp::string_body> reply(int status, const json::value& body) {
        bhttp::response<bhttp::string_body> res;
        res.result(static_cast<unsigned>(status));
        res.set(bhttp::field::content_type, "application/json; charset=utf-8");
        res.body() = json::serialize(body);
        return res;
    }

    static bhttp::response<bhttp::string_body> error(int status, std::string_view code, std::string_view message,
                                                     json::array errors = {}) {
        return reply(status, json::object{{"error", json::object{{"code", code}, {"message", message},
                                                                 {"errors", std::move(errors)}}}});
    }

    json::object shipment_json(const std::string& id) {
        json::array rates;
        auto add = [&](std::string_view rid, std::string_view carrier, std::string_view service,
                       std::string_view rate, int days) {
            rates.push_back(json::object{{"id", rid}, {"object", "Rate"}, {"mode", "test"},
                                         {"shipment_id", id}, {"carrier", carrier},
                                         {"service", service}, {"rate", rate}, {"currency", "USD"},
                                         {"retail_rate", nullptr}, {"delivery_days", days},
                                         {"est_delivery_date", "2026-03-06T00:00:00Z"},
                                         {"delivery_date_guaranteed", false}});
        };
        add("rate_aaaa" + id.substr(4), "USPS", "Priority", "9.77", 2);
        add("rate_bbbb" + id.substr(4), "UPS", "Ground", "12.40", 4);
        add("rate_cccc" + id.substr(4), "FedEx", "FEDEX_GROUND", "11.95", 4);
        json::object s{{"id", id}, {"object", "Shipment"}, {"mode", "test"}, {"rates", rates},
                       {"messages", json::array{}}, {"tracking_code", nullptr},
                       {"postage_label", nullptr}, {"selected_rate", nullptr}};
        if (auto it = bought_.find(id); it != bought_.end()) {
            for (auto& r : rates) {
                if (r.as_object()["id"].as_string() == it->second) s["selected_rate"] = r;
            }
            s["tracking_code"] = "9400100000000000000000";
            s["postage_label"] = json::object{{"object", "PostageLabel"},
                                              {"label_url", "https://easypost-files.s3.amazonaws.com/" + id + ".png"}};
        }
        return s;
    }

    // EasyPost's documented behaviour, as far as shipd uses it.
    bhttp::response<bhttp::string_body> handle(const bhttp::request<bhttp::string_body>& req) {
        if (req[bhttp::field::authorization] != kBasic) {
            return error(401, "APIKEY.INACTIVE", "This api key is no longer active. Please use a different api key.");
        }
        std::string target(req.target());
        boost::system::error_code ec;
        json::value body = req.body().empty() ? json::value() : json::parse(req.body(), ec);
        if (ec) return error(422, "BAD_REQUEST", "The request body could not be parsed.");
        std::lock_guard lock(mu_);
        if (req.method() == bhttp::verb::post && target == "/v2/shipments") {
            const json::object* s = nullptr;
            if (body.is_object()) {
                if (auto* v = body.as_object().if_contains("shipment"); v && v->is_object()) s = &v->as_object();
            }
            if (!s) return error(422, "PARAMETER.REQUIRED", "Missing required parameter.",
                                 json::array{json::object{{"field", "shipment"}, {"message", "cannot be blank"}}});
            json::array missing;
            for (std::string_view f : {"to_address", "from_address", "parcel"}) {
                if (!s->contains(f)) missing.push_back(json::object{{"field", "shipment." + std::string(f)},
                                                                    {"message", "cannot be blank"}});
            }
            if (!missing.empty()) return error(422, "SHIPMENT.INVALID_PARAMS", "Unable to create shipment.", missing);
            std::string id = "shp_" + std::to_string(1000 + next_id_++) + "0123456789abcdef0123456789";
            return reply(201, shipment_json(id));
        }
        if (target.starts_with("/v2/shipments/shp_")) {
            std::string rest = target.substr(14);
            std::size_t slash = rest.find('/');
            std::string id = rest.substr(0, slash);
            if (req.method() == bhttp::verb::get && slash == std::string::npos) return reply(200, shipment_json(id));
            if (req.method() == bhttp::verb::post && rest.substr(slash) == "/buy") {
                if (bought_.contains(id)) return error(422, "SHIPMENT.POSTAGE.EXISTS", "Postage already exists for this shipment.");
                const json::value* rid = nullptr;
                if (body.is_object()) {
                    if (auto* r = body.as_object().if_contains("rate"); r && r->is_object()) {
                        rid = r->as_object().if_contains("id");
                    }
                }
                if (!rid || !rid->is_string()) return error(422, "PARAMETER.REQUIRED", "Missing required parameter.",
                                                            json::array{json::object{{"field", "rate"}, {"message", "cannot be blank"}}});
                bought_[id] = std::string(rid->as_string());
                return reply(200, shipment_json(id));
            }
        }
        return error(404, "NOT_FOUND", "The requested resource could not be found.");
    }

    asio::io_context io_;
    tcp::acceptor acceptor_;
    int port_ = 0;
    std::thread thread_;
    std::mutex mu_;
    std::deque<Scripted> script_;
    std::vector<Seen> seen_;
    std::map<std::string, std::string> bought_;  // shipment id → rate id
    int next_id_ = 0;
};

template <class T>
T run(asio::awaitable<T> work) {
    asio::io_context io;
    auto f = asio::co_spawn(io, std::move(work), asio::use_future);
    io.run();
    return f.get();
}

domain::Shipment shipment() {
    domain::Shipment s;
    s.reference = "order-42";
    s.from_address.street1 = "417 Montgomery St";
    s.from_address.city = "San Francisco";
    s.from_address.state = "CA";
    s.from_address.zip = "94104";
    s.from_address.country = "US";
    s.from_address.name = "Shipd Warehouse";
    s.to_address.street1 = "20 W 34th St";
    s.to_address.city = "New York";
    s.to_address.state = "NY";
    s.to_address.zip = "10001";
    s.to_address.country = "US";
    s.to_address.name = "Ada Lovelace";
    s.to_address.residential = true;
    domain::Parcel p;
    p.length = 10;
    p.width = 8;
    p.height = 4;
    p.weight = 21.5;
    s.parcel = p;
    return s;
}

class EasyPostTest : public ::testing::Test {
protected:
    CarrierSettings settings(std::string key = std::string(kKey)) {
        CarrierSettings s;
        s.provider = Provider::kEasyPost;
        s.api_key = std::move(key);
        s.base_url = fake_.base_url();
        s.connect_timeout = 1s;
        s.request_timeout = 2s;
        s.max_attempts = 3;
        s.backoff_base = 10ms;  // keeps retry tests fast; the jitter is still exercised
        s.backoff_max = 2s;
        return s;
    }
    CarrierError expect_error(Carrier& c, const domain::Shipment& s = shipment()) {
        try {
            run(c.quote_shipment(s));
        } catch (const CarrierError& e) {
            EXPECT_EQ(std::string(e.what()).find(kKey), std::string::npos) << e.what();
            return e;
        }
        ADD_FAILURE() << "quote did not throw";
        return CarrierError("none");
    }

    FakeEasyPost fake_;
};

TEST_F(EasyPostTest, QuoteSendsTheDocumentedRequest) {
    auto carrier = make_carrier(settings());
    EXPECT_EQ(carrier->name(), "easypost");
    Quote q = run(carrier->quote_shipment(shipment()));
    EXPECT_TRUE(q.easypost_id.starts_with("shp_"));
    ASSERT_EQ(q.rates.size(), 3u);
    EXPECT_EQ(q.rates[0].carrier, "USPS");
    EXPECT_EQ(q.rates[0].service, "Priority");
    EXPECT_EQ(q.rates[0].rate, "9.77");
    EXPECT_EQ(q.rates[0].currency, "USD");
    EXPECT_EQ(q.rates[0].delivery_days, 2);
    EXPECT_EQ(q.rates[0].est_delivery_date, "2026-03-06");
    EXPECT_TRUE(q.rates[0].id.starts_with("rate_"));

    auto seen = fake_.seen();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].method, "POST");
    EXPECT_EQ(seen[0].target, "/v2/shipments");
    EXPECT_EQ(seen[0].authorization, kBasic);
    EXPECT_EQ(seen[0].content_type, "application/json");
    json::value body = json::parse(seen[0].body);
    const auto& s = body.at("shipment");
    EXPECT_EQ(s.at("to_address").at("zip"), "10001");
    EXPECT_EQ(s.at("to_address").at("name"), "Ada Lovelace");
    EXPECT_EQ(s.at("to_address").at("residential"), true);
    EXPECT_EQ(s.at("from_address").at("street1"), "417 Montgomery St");
    EXPECT_EQ(s.at("parcel").at("weight"), 21.5);
    EXPECT_EQ(s.at("reference"), "order-42");
    EXPECT_FALSE(s.at("to_address").as_object().contains("street2"));  // unset fields are omitted
}

TEST_F(EasyPostTest, BuysTheQuotedRate) {
    auto carrier = make_carrier(settings());
    auto s = shipment();
    Quote q = run(carrier->quote_shipment(s));
    s.easypost_id = q.easypost_id;
    Purchase p = run(carrier->buy(s, q.rates[1]));
    EXPECT_EQ(p.tracking_code, "9400100000000000000000");
    EXPECT_EQ(p.easypost_id, q.easypost_id);
    EXPECT_TRUE(p.label_url.starts_with("https://"));
    EXPECT_EQ(p.rate.id, q.rates[1].id);
    EXPECT_EQ(p.rate.service, "Ground");
    auto seen = fake_.seen();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[1].target, "/v2/shipments/" + q.easypost_id + "/buy");
    EXPECT_EQ(json::parse(seen[1].body), json::parse(R"({"rate":{"id":")" + q.rates[1].id + "\"}}"));
    // Buying again: EasyPost's refusal, mapped.
    try {
        run(carrier->buy(s, q.rates[1]));
        FAIL() << "no throw";
    } catch (const CarrierError& e) {
        EXPECT_EQ(e.http_status(), 422);
        EXPECT_EQ(e.code(), "SHIPMENT.POSTAGE.EXISTS");
    }
}

TEST_F(EasyPostTest, BuyWithoutEasyPostIdQuotesFirst) {
    auto carrier = make_carrier(settings());
    domain::Rate wanted;
    wanted.carrier = "FedEx";
    wanted.service = "FEDEX_GROUND";
    Purchase p = run(carrier->buy(shipment(), wanted));
    EXPECT_EQ(p.rate.service, "FEDEX_GROUND");
    EXPECT_TRUE(p.rate.id.starts_with("rate_cccc"));
    auto seen = fake_.seen();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].target, "/v2/shipments");
    wanted.service = "Teleport";
    try {
        run(carrier->buy(shipment(), wanted));
        FAIL() << "no throw";
    } catch (const CarrierError& e) {
        EXPECT_EQ(e.code(), "RATE.INVALID");
    }
}

TEST_F(EasyPostTest, WrongKeyIs401WithoutRetryOrKeyInMessage) {
    auto carrier = make_carrier(settings("EZTK_wrong_secret_key_42"));
    try {
        run(carrier->quote_shipment(shipment()));
        FAIL() << "no throw";
    } catch (const CarrierError& e) {
        EXPECT_EQ(e.http_status(), 401);
        EXPECT_EQ(e.code(), "APIKEY.INACTIVE");
        EXPECT_FALSE(e.carrier_message().empty());
        EXPECT_EQ(std::string(e.what()).find("EZTK_wrong_secret_key_42"), std::string::npos);
    }
    EXPECT_EQ(fake_.seen().size(), 1u);
}

TEST_F(EasyPostTest, ServerEchoingTheKeyIsScrubbed) {
    auto carrier = make_carrier(settings());
    fake_.script({answer(400, R"({"error":{"code":"BAD","message":"key )" + std::string(kKey) + R"( is odd","errors":[]}})")});
    CarrierError e = expect_error(*carrier);
    EXPECT_EQ(e.carrier_message().find(kKey), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("[key]"), std::string::npos);
}

TEST_F(EasyPostTest, FieldErrorsOf422AreKept) {
    auto carrier = make_carrier(settings());
    auto s = shipment();
    s.parcel.reset();
    // The client refuses a parcel-less shipment itself...
    EXPECT_EQ(expect_error(*carrier, s).code(), "PARCEL.MISSING");
    // ...and maps EasyPost's field errors.
    fake_.script({answer(422, R"({"error":{"code":"ADDRESS.VERIFY.FAILURE","message":"Unable to verify address.",
                      "errors":[{"field":"to_address.zip","message":"invalid"},{"field":"street1","message":"missing"}]}})")});
    CarrierError e = expect_error(*carrier);
    EXPECT_EQ(e.http_status(), 422);
    EXPECT_EQ(e.code(), "ADDRESS.VERIFY.FAILURE");
    EXPECT_EQ(e.carrier_message(), "Unable to verify address.");
    ASSERT_EQ(e.errors().size(), 2u);
    EXPECT_EQ(e.errors()[0].field, "to_address.zip");
    EXPECT_EQ(e.errors()[0].message, "invalid");
    EXPECT_NE(std::string(e.what()).find("to_address.zip invalid"), std::string::npos) << e.what();
    EXPECT_EQ(fake_.seen().size(), 1u);  // 4xx other than 429 is not retried
}

TEST_F(EasyPostTest, RetryAfterOf429IsHonoured) {
    auto carrier = make_carrier(settings());
    fake_.script({answer(429, R"({"error":{"code":"RATE_LIMITED","message":"slow down","errors":[]}})",
                         {{"Retry-After", "1"}})});
    auto start = std::chrono::steady_clock::now();
    Quote q = run(carrier->quote_shipment(shipment()));
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(q.rates.size(), 3u);
    EXPECT_EQ(fake_.seen().size(), 2u);
    EXPECT_GE(took, 950ms);
    EXPECT_LT(took, 2500ms);
}

TEST_F(EasyPostTest, FiveHundredTwiceThenSuccess) {
    auto carrier = make_carrier(settings());
    Scripted boom = answer(500, R"({"error":{"code":"INTERNAL_SERVER_ERROR","message":"oops","errors":[]}})");
    fake_.script({boom, boom});
    Quote q = run(carrier->quote_shipment(shipment()));
    EXPECT_EQ(q.rates.size(), 3u);
    EXPECT_EQ(fake_.seen().size(), 3u);
}

TEST_F(EasyPostTest, GivesUpAfterMaxAttempts) {
    auto carrier = make_carrier(settings());
    Scripted unavailable = answer(503, "<html>Service Unavailable</html>");
    fake_.script({unavailable, unavailable, unavailable, unavailable});
    CarrierError e = expect_error(*carrier);
    EXPECT_EQ(e.http_status(), 503);
    EXPECT_TRUE(e.code().empty());
    EXPECT_EQ(std::string(e.what()), "EasyPost answered HTTP 503");  // never the raw body
    EXPECT_EQ(fake_.seen().size(), 3u);
}

TEST_F(EasyPostTest, HangTimesOutWithinBounds) {
    auto s = settings();
    s.request_timeout = 300ms;
    s.max_attempts = 2;
    auto carrier = make_carrier(s);
    fake_.script({hang(), hang()});
    auto start = std::chrono::steady_clock::now();
    CarrierError e = expect_error(*carrier);
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(e.code(), "TIMEOUT");
    EXPECT_EQ(e.http_status(), 0);
    EXPECT_EQ(fake_.seen().size(), 2u);
    EXPECT_GE(took, 600ms);
    EXPECT_LT(took, 1500ms);
}

TEST_F(EasyPostTest, GarbageJsonIsAnInvalidResponse) {
    auto carrier = make_carrier(settings());
    fake_.script({answer(201, "{\"id\": \"shp_1\", \"rates\": [tru")});
    CarrierError e = expect_error(*carrier);
    EXPECT_EQ(e.code(), "RESPONSE.INVALID");
    EXPECT_EQ(fake_.seen().size(), 1u);
    fake_.script({answer(201, R"(["not", "a", "shipment"])")});
    EXPECT_EQ(expect_error(*carrier).code(), "RESPONSE.INVALID");
    fake_.script({answer(201, R"({"id":"shp_1","rates":[],"messages":[{"carrier":"UPS","message":"no service"}]})")});
    CarrierError none = expect_error(*carrier);
    EXPECT_EQ(none.code(), "NO_RATES");
    EXPECT_NE(std::string(none.what()).find("UPS: no service"), std::string::npos);
}

TEST_F(EasyPostTest, AmbiguousBuyFailureIsCheckedBeforeRetrying) {
    auto carrier = make_carrier(settings());
    auto s = shipment();
    Quote q = run(carrier->quote_shipment(s));
    s.easypost_id = q.easypost_id;
    // The purchase goes through at EasyPost but the answer is a 502: the client reads the
    // shipment back and returns its label instead of buying again.
    fake_.script({act_then_answer(502, "bad gateway")});
    Purchase p = run(carrier->buy(s, q.rates[0]));
    EXPECT_EQ(p.tracking_code, "9400100000000000000000");
    EXPECT_EQ(p.rate.id, q.rates[0].id);
    auto seen = fake_.seen();
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[1].target, "/v2/shipments/" + q.easypost_id + "/buy");
    EXPECT_EQ(seen[2].method, "GET");
    EXPECT_EQ(seen[2].target, "/v2/shipments/" + q.easypost_id);
}

TEST_F(EasyPostTest, ConnectionRefusedIsRetriedThenMapped) {
    int closed_port;
    {
        asio::io_context io;
        tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        closed_port = a.local_endpoint().port();
    }
    auto s = settings();
    s.base_url = "http://127.0.0.1:" + std::to_string(closed_port) + "/v2";
    auto start = std::chrono::steady_clock::now();
    CarrierError e = expect_error(*make_carrier(s));
    EXPECT_EQ(e.code(), "CONNECTION");
    EXPECT_EQ(e.http_status(), 0);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

TEST_F(EasyPostTest, TlsToAPlainServerFailsFast) {
    auto s = settings();
    s.base_url = "https://127.0.0.1:" + std::to_string(fake_.port()) + "/v2";
    auto start = std::chrono::steady_clock::now();
    CarrierError e = expect_error(*make_carrier(s));
    EXPECT_EQ(e.code(), "TLS") << e.what();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
}

TEST(EasyPostSettings, InvalidSettingsAreRefusedWithoutTheKey) {
    CarrierSettings s;
    s.provider = Provider::kEasyPost;
    EXPECT_THROW(make_carrier(s), std::invalid_argument);  // no key
    s.api_key = "EZTK_secret";
    for (std::string url : {"ftp://api.easypost.com", "api.easypost.com/v2", "https://", "https://u:p@host/v2",
                            "https://host:0/v2", "https://host:99999", "https://host:12x"}) {
        s.base_url = url;
        try {
            make_carrier(s);
            ADD_FAILURE() << url;
        } catch (const std::invalid_argument& e) {
            EXPECT_EQ(std::string(e.what()).find("EZTK_secret"), std::string::npos);
        }
    }
    s.base_url = "https://[::1]:8443/v2/";
    EXPECT_NO_THROW(make_carrier(s));
    s.base_url = "https://api.easypost.com/v2";
    s.max_attempts = 0;
    EXPECT_THROW(make_carrier(s), std::invalid_argument);
    s.max_attempts = 3;
    s.request_timeout = 0ms;
    EXPECT_THROW(make_carrier(s), std::invalid_argument);
}

TEST(EasyPostWire, ErrorBodiesOfEveryShape) {
    CarrierError plain = detail::error_from_response(502, "<html>nginx</html>");
    EXPECT_EQ(std::string(plain.what()), "EasyPost answered HTTP 502");
    CarrierError strings = detail::error_from_response(
        422, R"({"error":{"code":"X","message":"bad","errors":["one","two"]}})");
    ASSERT_EQ(strings.errors().size(), 2u);
    EXPECT_EQ(strings.errors()[1].message, "two");
    CarrierError odd = detail::error_from_response(400, R"({"error":"not an object"})");
    EXPECT_TRUE(odd.code().empty());
    EXPECT_EQ(detail::buy_request_body("rate_1"), R"({"rate":{"id":"rate_1"}})");
}

}  // namespace
}  // namespace shipd::carriers
