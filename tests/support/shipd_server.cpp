// ShipdServer, Api and the JSON helpers of the API end-to-end tests.
#include "support/shipd_server.hpp"

#include <signal.h>
#include <unistd.h>

#include <boost/json/parse.hpp>

#include <atomic>
#include <random>
#include <cctype>
#include <cstdio>
#include <stdexcept>

#include "support/pg_harness.hpp"

namespace shipd::testing {

using namespace std::chrono_literals;

ShipdServer::ShipdServer(ShipdServerOptions options) {
    std::string url = options.database_url;
    if (url.empty()) {
        database_ = fresh_database();
        url = shipd::testing::database_url(database_);
    }
    port_ = free_port();
    env_ = {{"DATABASE_URL", url},
            {"SHIPD_AUTO_MIGRATE", "true"},
            {"SHIPD_PORT", std::to_string(port_)},
            {"SIMULATED_TRACKING", "off"},
            {"HOME", dir_.path().string()}};
    for (auto& [k, v] : options.env) env_[k] = v;
    process_ = std::make_unique<ChildProcess>(std::vector<std::string>{shipd_binary(), "serve"}, env_, dir_.path());
    if (!process_->wait_for_output("shipd is ready", 60s)) {
        throw std::runtime_error("shipd serve did not become ready:\n" + process_->stderr_text());
    }
    key_ = create_key("e2e");
}

ShipdServer::~ShipdServer() {
    if (!stopped_) stop();
}

std::optional<int> ShipdServer::run_cli(const std::vector<std::string>& args, std::string* out,
                                        std::chrono::seconds timeout) {
    std::vector<std::string> argv{shipd_binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto env = env_;
    env.erase("SHIPD_AUTO_MIGRATE");
    ChildProcess cli(argv, env, dir_.path());
    auto code = cli.wait(timeout);
    if (out) *out = cli.stdout_text();
    if (code && *code != 0) std::fprintf(stderr, "shipd %s: %s\n", args.empty() ? "" : args[0].c_str(), cli.stderr_text().c_str());
    return code;
}

std::string ShipdServer::create_key_with_cli(const std::string& name, bool admin) {
    std::vector<std::string> args{"keys", "create", "--name", name};
    if (admin) args.push_back("--admin");
    std::string out;
    auto code = run_cli(args, &out);
    if (code != 0) throw std::runtime_error("shipd keys create failed");
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r' || out.back() == ' ')) out.pop_back();
    if (out.find('\n') != std::string::npos) out = out.substr(out.rfind('\n') + 1);
    return out;
}

std::string ShipdServer::create_key(const std::string& name, bool admin) {
    // As `shipd keys create` stores it: SHA-256 of the key, its first 12 characters.
    static const char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    static std::mt19937_64 random{std::random_device{}()};
    std::string key = "shipd_";
    for (int i = 0; i < 40; ++i) key += kAlphabet[random() % 62];
    exec_sql("INSERT INTO api_keys (name, is_admin, key_hash, key_prefix) VALUES ('" + name + "', " +
             (admin ? "true" : "false") + ", sha256(convert_to('" + key + "', 'UTF8')), '" + key.substr(0, 12) + "')");
    return key;
}

std::vector<std::string> ShipdServer::exec_sql(const std::string& statement) const {
    Session session(env_.at("DATABASE_URL"));
    return session.sql(statement);
}

bool ShipdServer::revoke_key(const std::string& prefix_or_id) {
    return run_cli({"keys", "revoke", prefix_or_id}) == 0;
}

std::optional<int> ShipdServer::stop(std::chrono::seconds timeout) {
    if (!process_) return std::nullopt;
    stopped_ = true;
    process_->signal(SIGTERM);
    return process_->wait(timeout);  // the ChildProcess destructor SIGKILLs a survivor
}

void ShipdServer::kill() {
    if (!process_ || stopped_) return;
    stopped_ = true;
    process_->signal(SIGKILL);
    process_->wait(30s);
}

namespace {

HttpResponse no_answer(const std::string& method, const std::string& target) {
    HttpResponse r;
    r.status = 0;
    r.body = "no answer to " + method + " " + target;
    return r;
}

HttpResponse send(int port, const std::string& method, const std::string& target, const std::string& body,
                  const std::string& headers) {
    try {
        auto r = http_request(port, method, target, body, headers);
        return r ? *r : no_answer(method, target);
    } catch (const std::exception& e) {
        HttpResponse r = no_answer(method, target);
        r.body += std::string(": ") + e.what();
        return r;
    }
}

}  // namespace

HttpResponse Api::request(const std::string& method, const std::string& target, const std::string& body,
                          const std::string& headers) const {
    return send(port_, method, target, body, "Authorization: Bearer " + key_ + "\r\n" + headers);
}

HttpResponse Api::get(const std::string& target, const std::string& headers) const {
    return request("GET", target, {}, headers);
}

HttpResponse Api::post(const std::string& target, const std::string& body, const std::string& headers,
                       const std::string& content_type) const {
    std::string h = headers;
    if (!content_type.empty()) h += "Content-Type: " + content_type + "\r\n";
    return request("POST", target, body, h);
}

HttpResponse Api::anonymous(const std::string& method, const std::string& target, const std::string& body,
                            const std::string& headers) const {
    return send(port_, method, target, body, headers);
}

boost::json::value json_of(const std::string& body) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(body, ec);
    if (ec) return nullptr;
    return v;
}

const boost::json::value* at(const boost::json::value& v, const std::string& path) {
    const boost::json::value* cur = &v;
    std::size_t pos = 0;
    while (cur && pos <= path.size()) {
        std::size_t dot = path.find('.', pos);
        std::string part = path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
        if (cur->is_object()) {
            cur = cur->as_object().if_contains(part);
        } else if (cur->is_array() && !part.empty() && std::isdigit(static_cast<unsigned char>(part[0]))) {
            std::size_t i = std::stoul(part);
            cur = i < cur->as_array().size() ? &cur->as_array()[i] : nullptr;
        } else {
            return nullptr;
        }
        if (dot == std::string::npos) break;
        pos = dot + 1;
    }
    return cur;
}

std::string str_at(const boost::json::value& v, const std::string& path) {
    const boost::json::value* found = at(v, path);
    if (!found || !found->is_string()) return {};
    return std::string(found->as_string());
}

std::string unique(const std::string& prefix) {
    static std::atomic<int> counter{0};
    auto now = std::chrono::system_clock::now().time_since_epoch();
    return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + "-" +
           std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now).count() % 100000000);
}

std::string shipment_body(const std::string& reference, double weight_oz) {
    char weight[64];
    std::snprintf(weight, sizeof weight, "%g", weight_oz);
    return std::string(R"({"reference":")") + reference + R"(",)"
           R"("from_address":{"name":"Shipd Warehouse","street1":"417 Montgomery St","city":"San Francisco","state":"CA","zip":"94104","country":"US"},)"
           R"("to_address":{"name":"Ada Lovelace","street1":"20 W 34th St","city":"New York","state":"NY","zip":"10001","country":"US","residential":true},)"
           R"("parcel":{"length":10,"width":8,"height":4,"weight":)" + weight + "}}";
}

std::string url_encode(const std::string& in) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : in) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::string base64(const std::string& in) {
    static const char* kChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    int val = 0, bits = -6;
    for (unsigned char c : in) {
        val = (val << 8) + c;
        bits += 8;
        while (bits >= 0) {
            out += kChars[(val >> bits) & 0x3f];
            bits -= 6;
        }
    }
    if (bits > -6) out += kChars[((val << 8) >> (bits + 8)) & 0x3f];
    while (out.size() % 4) out += '=';
    return out;
}

ShipdServer& default_server() {
    static ShipdServer server;
    return server;
}

}  // namespace shipd::testing
