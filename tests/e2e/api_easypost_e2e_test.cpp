// CARRIER_PROVIDER=easypost through the binary, against a local fake EasyPost speaking its
// documented wire format (Basic auth with the key as user name, {"shipment": ...} wrapping,
// Shipment objects, error bodies): rates and easypost_id from the fake on create, the label
// from the fake on buy, and 502 CARRIER_ERROR when it answers 500s or 401.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <atomic>
#include <mutex>
#include <thread>

#include "support/shipd_server.hpp"

namespace shipd::testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr const char* kKey = "EZTKe2eSecretKey0123456789";

struct Seen {
    std::string method, target, authorization, body;
};

/// A fake EasyPost on 127.0.0.1 (one connection at a time, Connection: close): POST
/// /v2/shipments, POST /v2/shipments/{id}/buy, GET /v2/shipments/{id}. fail_all() makes every
/// request answer a given status and body until heal().
class FakeEasyPost {
public:
    FakeEasyPost() {
        fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd_, 64) != 0) {
            throw std::runtime_error("fake EasyPost cannot listen");
        }
        socklen_t len = sizeof addr;
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~FakeEasyPost() {
        stop_ = true;
        thread_.join();
        close(fd_);
    }
    int port() const { return port_; }
    void fail_all(int status, std::string body) {
        std::lock_guard lock(mu_);
        fail_status_ = status;
        fail_body_ = std::move(body);
    }
    void heal() { fail_all(0, {}); }
    std::vector<Seen> seen() {
        std::lock_guard lock(mu_);
        return seen_;
    }
    void forget() {
        std::lock_guard lock(mu_);
        seen_.clear();
    }

private:
    void serve() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (poll(&p, 1, 50) <= 0) continue;
            int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) continue;
            handle_connection(c);
            close(c);
        }
    }

    static bool read_some(int c, std::string& buf, std::chrono::steady_clock::time_point deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd p{c, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
        char tmp[65536];
        ssize_t n = recv(c, tmp, sizeof tmp, 0);
        if (n <= 0) return false;
        buf.append(tmp, static_cast<std::size_t>(n));
        return true;
    }

    void handle_connection(int c) {
        auto deadline = std::chrono::steady_clock::now() + 5s;
        std::string buf;
        std::size_t end;
        while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
            if (!read_some(c, buf, deadline)) return;
        }
        std::string head = buf.substr(0, end);
        Seen seen;
        std::size_t sp1 = head.find(' '), sp2 = head.find(' ', sp1 + 1);
        seen.method = head.substr(0, sp1);
        seen.target = head.substr(sp1 + 1, sp2 - sp1 - 1);
        std::size_t length = 0;
        std::size_t pos = head.find("\r\n");
        while (pos != std::string::npos && pos < head.size()) {
            std::size_t e = head.find("\r\n", pos + 2);
            std::string line = head.substr(pos + 2, e == std::string::npos ? std::string::npos : e - pos - 2);
            std::size_t colon = line.find(':');
            if (colon != std::string::npos) {
                std::string name = line.substr(0, colon);
                for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                std::string value = line.substr(colon + 1);
                while (!value.empty() && value.front() == ' ') value.erase(0, 1);
                if (name == "content-length") length = std::stoul(value);
                if (name == "authorization") seen.authorization = value;
            }
            pos = e;
        }
        while (buf.size() < end + 4 + length) {
            if (!read_some(c, buf, deadline)) return;
        }
        seen.body = buf.substr(end + 4, length);
        auto [status, body] = answer(seen);
        std::string reason = status == 200 ? "OK" : status == 201 ? "Created" : "Error";
        std::string res = "HTTP/1.1 " + std::to_string(status) + " " + reason +
                          "\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body;
        std::size_t off = 0;
        while (off < res.size()) {
            ssize_t n = ::send(c, res.data() + off, res.size() - off, MSG_NOSIGNAL);
            if (n <= 0) return;
            off += static_cast<std::size_t>(n);
        }
        shutdown(c, SHUT_WR);
    }

    static std::string error(std::string_view code, std::string_view message, json::array errors = {}) {
        return json::serialize(json::object{{"error", json::object{{"code", code}, {"message", message}, {"errors", errors}}}});
    }

    json::object shipment_json(const std::string& id) {
        json::array rates;
        auto add = [&](std::string_view prefix, std::string_view carrier, std::string_view service, std::string_view rate, int days) {
            rates.push_back(json::object{{"id", std::string(prefix) + id.substr(4)}, {"object", "Rate"}, {"mode", "test"},
                                         {"shipment_id", id}, {"carrier", carrier}, {"service", service}, {"rate", rate},
                                         {"currency", "USD"}, {"retail_rate", nullptr}, {"delivery_days", days},
                                         {"est_delivery_date", "2026-03-06T00:00:00Z"}, {"delivery_date_guaranteed", false}});
        };
        add("rate_aaaa", "USPS", "Priority", "9.77", 2);
        add("rate_bbbb", "UPS", "Ground", "12.40", 4);
        add("rate_cccc", "FedEx", "FEDEX_GROUND", "11.95", 4);
        json::object s{{"id", id}, {"object", "Shipment"}, {"mode", "test"}, {"rates", rates}, {"messages", json::array{}},
                       {"tracking_code", nullptr}, {"postage_label", nullptr}, {"selected_rate", nullptr}};
        if (auto it = bought_.find(id); it != bought_.end()) {
            for (auto& r : rates) {
                if (r.as_object()["id"].as_string() == it->second) s["selected_rate"] = r;
            }
            s["tracking_code"] = "EZ" + id.substr(4, 12);
            s["postage_label"] = json::object{{"object", "PostageLabel"},
                                              {"label_url", "https://easypost-files.s3.amazonaws.com/files/postage_label/" + id + ".png"}};
        }
        return s;
    }

    std::pair<int, std::string> answer(const Seen& req) {
        std::lock_guard lock(mu_);
        seen_.push_back(req);
        if (fail_status_) return {fail_status_, fail_body_};
        if (req.authorization != "Basic " + base64(std::string(kKey) + ":")) {
            return {401, error("APIKEY.INACTIVE", "This api key is no longer active. Please use a different api key.")};
        }
        boost::system::error_code ec;
        json::value body = req.body.empty() ? json::value() : json::parse(req.body, ec);
        if (ec) return {422, error("BAD_REQUEST", "The request body could not be parsed.")};
        if (req.method == "POST" && req.target == "/v2/shipments") {
            const json::object* s = nullptr;
            if (body.is_object()) {
                if (auto* v = body.as_object().if_contains("shipment"); v && v->is_object()) s = &v->as_object();
            }
            if (!s) return {422, error("PARAMETER.REQUIRED", "Missing required parameter.")};
            for (std::string_view f : {"to_address", "from_address", "parcel"}) {
                if (!s->contains(f)) {
                    return {422, error("SHIPMENT.INVALID_PARAMS", "Unable to create shipment.",
                                       json::array{json::object{{"field", "shipment." + std::string(f)}, {"message", "cannot be blank"}}})};
                }
            }
            char id[64];
            std::snprintf(id, sizeof id, "shp_%04d%s", next_id_++, "0123456789abcdef0123456789");
            return {201, json::serialize(shipment_json(id))};
        }
        if (req.target.starts_with("/v2/shipments/shp_")) {
            std::string rest = req.target.substr(14);
            std::size_t slash = rest.find('/');
            std::string id = rest.substr(0, slash);
            if (req.method == "GET" && slash == std::string::npos) return {200, json::serialize(shipment_json(id))};
            if (req.method == "POST" && slash != std::string::npos && rest.substr(slash) == "/buy") {
                if (bought_.contains(id)) return {422, error("SHIPMENT.POSTAGE.EXISTS", "Postage already exists for this shipment.")};
                const json::value* rid = nullptr;
                if (body.is_object()) {
                    if (auto* r = body.as_object().if_contains("rate"); r && r->is_object()) rid = r->as_object().if_contains("id");
                }
                if (!rid || !rid->is_string()) return {422, error("PARAMETER.REQUIRED", "Missing required parameter.")};
                bought_[id] = std::string(rid->as_string());
                return {200, json::serialize(shipment_json(id))};
            }
        }
        return {404, error("NOT_FOUND", "The requested resource could not be found.")};
    }

    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
    std::mutex mu_;
    std::vector<Seen> seen_;
    std::map<std::string, std::string> bought_;
    int next_id_ = 1000;
    int fail_status_ = 0;
    std::string fail_body_;
};

FakeEasyPost& fake() {
    static FakeEasyPost f;
    return f;
}

ShipdServer& server() {
    static ShipdServer s(ShipdServerOptions{{{"CARRIER_PROVIDER", "easypost"},
                                             {"EASYPOST_API_KEY", kKey},
                                             {"EASYPOST_BASE_URL", "http://127.0.0.1:" + std::to_string(fake().port()) + "/v2"}},
                                            {}});
    return s;
}

Api api() { return Api(server()); }

class EasyPostE2E : public ::testing::Test {
protected:
    void SetUp() override {
        server();
        fake().heal();
        fake().forget();
    }
    void TearDown() override { fake().heal(); }
};

TEST_F(EasyPostE2E, CreateTakesTheRatesFromEasyPostAndStoresItsId) {
    std::string ref = unique("ep");
    auto r = api().post("/v1/shipments", shipment_body(ref));
    ASSERT_EQ(r.status, 201) << r.body;
    auto s = json_of(r);
    EXPECT_TRUE(str_at(s, "easypost_id").starts_with("shp_")) << r.body;
    const auto* rates = at(s, "rates");
    ASSERT_TRUE(rates && rates->is_array()) << r.body;
    ASSERT_EQ(rates->as_array().size(), 3u) << r.body;
    EXPECT_EQ(str_at(s, "rates.0.carrier"), "USPS");
    EXPECT_EQ(str_at(s, "rates.0.service"), "Priority");
    EXPECT_EQ(str_at(s, "rates.0.rate"), "9.77");
    EXPECT_EQ(str_at(s, "rates.0.currency"), "USD");
    EXPECT_TRUE(str_at(s, "rates.0.id").starts_with("rate_")) << r.body;

    // The request EasyPost saw: Basic auth with the key, the documented wrapping.
    auto seen = fake().seen();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].method, "POST");
    EXPECT_EQ(seen[0].target, "/v2/shipments");
    EXPECT_EQ(seen[0].authorization, "Basic " + base64(std::string(kKey) + ":"));
    auto sent = json_of(seen[0].body);
    EXPECT_EQ(str_at(sent, "shipment.to_address.zip"), "10001") << seen[0].body;
    EXPECT_EQ(str_at(sent, "shipment.from_address.city"), "San Francisco") << seen[0].body;
    ASSERT_TRUE(at(sent, "shipment.parcel.weight")) << seen[0].body;

    // Stored: GET gives the same easypost_id and rates.
    auto got = json_of(api().get("/v1/shipments/" + str_at(s, "id")));
    EXPECT_EQ(str_at(got, "easypost_id"), str_at(s, "easypost_id"));
    EXPECT_EQ(at(got, "rates")->as_array().size(), 3u);
}

TEST_F(EasyPostE2E, BuyTakesTheLabelFromEasyPost) {
    auto created = json_of(api().post("/v1/shipments", shipment_body(unique("ep-buy"))));
    std::string id = str_at(created, "id");
    std::string easypost_id = str_at(created, "easypost_id");
    std::string rate_id = str_at(created, "rates.1.id");
    ASSERT_FALSE(rate_id.empty());
    fake().forget();
    auto r = api().post("/v1/shipments/" + id + "/buy", R"({"rate":{"id":")" + rate_id + R"("}})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto b = json_of(r);
    EXPECT_EQ(str_at(b, "status"), "pre_transit");
    EXPECT_EQ(str_at(b, "label_url"), "https://easypost-files.s3.amazonaws.com/files/postage_label/" + easypost_id + ".png");
    EXPECT_EQ(str_at(b, "tracking_code"), "EZ" + easypost_id.substr(4, 12));
    EXPECT_EQ(str_at(b, "carrier"), "UPS");
    EXPECT_EQ(str_at(b, "service"), "Ground");
    EXPECT_EQ(str_at(b, "selected_rate.id"), rate_id);
    EXPECT_EQ(str_at(b, "easypost_id"), easypost_id);
    auto seen = fake().seen();
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.back().method, "POST");
    EXPECT_EQ(seen.back().target, "/v2/shipments/" + easypost_id + "/buy");
    EXPECT_EQ(str_at(json_of(seen.back().body), "rate.id"), rate_id) << seen.back().body;

    // Buy by carrier and service picks the matching EasyPost rate.
    auto other = json_of(api().post("/v1/shipments", shipment_body(unique("ep-buy2"))));
    auto r2 = api().post("/v1/shipments/" + str_at(other, "id") + "/buy", R"({"carrier":"FedEx","service":"FEDEX_GROUND"})");
    ASSERT_EQ(r2.status, 200) << r2.body;
    EXPECT_EQ(str_at(json_of(r2), "selected_rate.id"), str_at(other, "rates.2.id"));
}

TEST_F(EasyPostE2E, EasyPostServerErrorsAre502CarrierErrorAndARetryIsSafe) {
    std::string ref = unique("ep-500");
    fake().fail_all(500, R"({"error":{"code":"INTERNAL_SERVER_ERROR","message":"Something went wrong.","errors":[]}})");
    auto t0 = std::chrono::steady_clock::now();
    auto r = api().post("/v1/shipments", shipment_body(ref));
    auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_EQ(r.status, 502) << r.body;
    EXPECT_EQ(str_at(json_of(r), "error.code"), "CARRIER_ERROR") << r.body;
    EXPECT_EQ(r.body.find(kKey), std::string::npos) << r.body;
    EXPECT_LT(took, 15s);
    EXPECT_GE(fake().seen().size(), 2u) << "5xx are retried";
    // Nothing half-made; the retry, once EasyPost is back, creates it.
    EXPECT_TRUE(at(json_of(api().get("/v1/shipments?reference=" + url_encode(ref))), "shipments")->as_array().empty());
    fake().heal();
    auto retry = api().post("/v1/shipments", shipment_body(ref));
    EXPECT_EQ(retry.status, 201) << retry.body;

    // A failing buy leaves the shipment stored and unpurchased; retrying the buy works.
    std::string id = str_at(json_of(retry), "id");
    fake().fail_all(503, R"({"error":{"code":"SERVICE_UNAVAILABLE","message":"Down for maintenance.","errors":[]}})");
    auto buy = api().post("/v1/shipments/" + id + "/buy", R"({"carrier":"USPS","service":"Priority"})");
    EXPECT_EQ(buy.status, 502) << buy.body;
    EXPECT_EQ(str_at(json_of(buy), "error.code"), "CARRIER_ERROR") << buy.body;
    auto still = json_of(api().get("/v1/shipments/" + id));
    EXPECT_EQ(str_at(still, "status"), "unknown");
    EXPECT_TRUE(at(still, "selected_rate")->is_null());
    fake().heal();
    auto bought = api().post("/v1/shipments/" + id + "/buy", R"({"carrier":"USPS","service":"Priority"})");
    EXPECT_EQ(bought.status, 200) << bought.body;
    EXPECT_EQ(api().anonymous("GET", "/health/live").status, 200);
}

TEST_F(EasyPostE2E, EasyPostRefusingTheKeyIs502CarrierErrorWithoutTheKey) {
    fake().fail_all(401, R"({"error":{"code":"APIKEY.INACTIVE","message":"This api key is no longer active.","errors":[]}})");
    auto r = api().post("/v1/shipments", shipment_body(unique("ep-401")));
    EXPECT_EQ(r.status, 502) << r.body;
    EXPECT_EQ(str_at(json_of(r), "error.code"), "CARRIER_ERROR") << r.body;
    EXPECT_EQ(r.body.find(kKey), std::string::npos) << r.body;
    EXPECT_EQ(fake().seen().size(), 1u) << "a 401 is not retried";
}

TEST_F(EasyPostE2E, EasyPostFieldErrorsComeBackAs502WithTheFields) {
    fake().fail_all(422, R"({"error":{"code":"ADDRESS.VERIFY.FAILURE","message":"Unable to verify address.",)"
                         R"("errors":[{"field":"to_address.zip","message":"Invalid ZIP code"}]}})");
    auto r = api().post("/v1/shipments", shipment_body(unique("ep-422")));
    EXPECT_EQ(r.status, 502) << r.body;
    EXPECT_EQ(str_at(json_of(r), "error.code"), "CARRIER_ERROR") << r.body;
    EXPECT_NE(r.body.find("Invalid ZIP code"), std::string::npos) << r.body;
}

TEST_F(EasyPostE2E, GarbageFromEasyPostIs502) {
    fake().fail_all(200, "<html>this is not EasyPost</html>");
    auto r = api().post("/v1/shipments", shipment_body(unique("ep-garbage")));
    EXPECT_EQ(r.status, 502) << r.body;
    EXPECT_EQ(str_at(json_of(r), "error.code"), "CARRIER_ERROR") << r.body;
}

}  // namespace
}  // namespace shipd::testing
