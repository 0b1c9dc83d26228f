// EasyPostCarrier: connections (TCP or TLS), one request per connection, retries and backoff.
#include "carriers/easypost.hpp"

#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <algorithm>
#include <charconv>
#include <functional>
#include <random>
#include <stdexcept>

#include "carriers/detail/easypost_wire.hpp"

namespace shipd::carriers {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

namespace {

// A Shipment with every rate and its forms is tens of KB; 16 MiB bounds a misbehaving server.
constexpr std::uint64_t kResponseBodyLimit = 16 << 20;
// Enough attempts to ride out a short outage, few enough that a request never waits minutes.
constexpr int kMaxAttemptsCap = 10;

struct BaseUrl {
    bool tls = true;
    std::string host;
    std::string port;
    std::string path;  ///< "/v2", no trailing slash
    std::string host_header;
};

BaseUrl parse_base_url(std::string_view url) {
    const std::invalid_argument bad("EASYPOST_BASE_URL must look like https://host[:port][/path]");
    BaseUrl out;
    if (url.starts_with("https://")) {
        url.remove_prefix(8);
    } else if (url.starts_with("http://")) {
        out.tls = false;
        url.remove_prefix(7);
    } else {
        throw bad;
    }
    std::size_t slash = url.find('/');
    std::string_view authority = url.substr(0, slash);
    out.path = slash == std::string_view::npos ? "" : std::string(url.substr(slash));
    while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
    if (authority.empty() || authority.find('@') != std::string_view::npos ||
        out.path.find_first_of("?# ") != std::string::npos) {
        throw bad;
    }
    std::string_view host = authority, port;
    if (authority.front() == '[') {  // IPv6 literal
        std::size_t close = authority.find(']');
        if (close == std::string_view::npos) throw bad;
        host = authority.substr(1, close - 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') throw bad;
            port = authority.substr(close + 2);
        }
    } else if (std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty()) throw bad;
    if (!port.empty()) {
        int n = 0;
        auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
        if (ec != std::errc() || p != port.data() + port.size() || n <= 0 || n > 65535) throw bad;
    }
    out.host = host;
    out.port = port.empty() ? (out.tls ? "443" : "80") : std::string(port);
    out.host_header = std::string(authority);
    return out;
}

void validate(const CarrierSettings& s) {
    if (s.api_key.empty()) {
        throw std::invalid_argument("EASYPOST_API_KEY is required when CARRIER_PROVIDER=easypost");
    }
    if (s.api_key.find_first_of("\r\n") != std::string::npos) {
        throw std::invalid_argument("EASYPOST_API_KEY contains a line break");
    }
    if (s.connect_timeout.count() <= 0 || s.request_timeout.count() <= 0) {
        throw std::invalid_argument("carrier timeouts must be greater than 0");
    }
    if (s.max_attempts < 1 || s.max_attempts > kMaxAttemptsCap) {
        throw std::invalid_argument("carrier attempts must be between 1 and " +
                                    std::to_string(kMaxAttemptsCap));
    }
    if (s.backoff_base.count() < 0 || s.backoff_max < s.backoff_base) {
        throw std::invalid_argument("carrier backoff must be >= 0 with backoff_max >= backoff_base");
    }
}

std::string basic_authorization(const std::string& key) {
    std::string plain = key + ":";  // the key is the user name, the password is empty
    std::string out(4 * ((plain.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(plain.data()),
                            static_cast<int>(plain.size()));
    out.resize(static_cast<std::size_t>(n));
    return "Basic " + out;
}

// Retry-After in seconds (EasyPost sends seconds; an HTTP-date falls back to the backoff).
std::optional<std::chrono::milliseconds> retry_after(std::string_view v) {
    int seconds = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
    if (ec != std::errc() || p != v.data() + v.size() || seconds < 0) return std::nullopt;
    return std::chrono::seconds(seconds);
}

std::string replace_all(std::string s, const std::string& needle, std::string_view with) {
    if (needle.empty()) return s;
    for (std::size_t at = s.find(needle); at != std::string::npos; at = s.find(needle, at + with.size())) {
        s.replace(at, needle.size(), with);
    }
    return s;
}

/// What one attempt ended with: an HTTP answer, or a transport failure.
struct Outcome {
    int status = 0;  ///< 0: no answer
    std::string body;
    std::optional<std::chrono::milliseconds> retry_after;
    boost::system::error_code ec;
    enum class Stage { kNone, kConnect, kTls, kExchange } failed_at = Stage::kNone;
    bool timed_out = false;
    bool request_sent = false;  ///< the whole request left us: the server may have acted on it
};

bool retryable(const Outcome& o) {
    if (o.status == 0) {
        // A certificate the store rejects will not be accepted on a second try.
        return !(o.failed_at == Outcome::Stage::kTls && o.ec.category() == asio::error::get_ssl_category());
    }
    return o.status == 429 || o.status >= 500;
}

// Might the server have acted on a request whose answer we did not get (or got as 5xx)?
bool ambiguous(const Outcome& o) {
    if (o.status >= 500) return true;
    return o.status == 0 && o.request_sent;
}

}  // namespace

struct EasyPostCarrier::Impl {
    CarrierSettings settings;
    BaseUrl base;
    std::string authorization;
    asio::ssl::context tls{asio::ssl::context::tls_client};

    explicit Impl(CarrierSettings s) : settings(std::move(s)) {
        validate(settings);
        base = parse_base_url(settings.base_url);
        authorization = basic_authorization(settings.api_key);
        boost::system::error_code ec;
        tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                        asio::ssl::context::no_tlsv1_1);
        tls.set_default_verify_paths(ec);
        if (ec) throw CarrierError("cannot load the system certificate store: " + ec.message(), 0, "TLS.SETUP");
        if (!settings.ca_file.empty()) {
            tls.load_verify_file(settings.ca_file, ec);
            if (ec) throw CarrierError("cannot load CA file " + settings.ca_file + ": " + ec.message(), 0, "TLS.SETUP");
        }
        tls.set_verify_mode(settings.verify_peer ? asio::ssl::verify_peer : asio::ssl::verify_none);
    }

    std::string_view scheme() const { return base.tls ? "https" : "http"; }

    std::chrono::milliseconds backoff(int attempt, const Outcome& o) const {
        if (o.retry_after) return std::min(*o.retry_after, settings.backoff_max);
        // Full jitter: uniform in [0, min(max, base * 2^(attempt-1))].
        std::chrono::milliseconds ceiling{settings.backoff_base.count() << std::min(attempt - 1, 16)};
        ceiling = std::min(ceiling, settings.backoff_max);
        thread_local std::mt19937_64 rng{std::random_device{}()};
        std::uniform_int_distribution<long long> pick(0, ceiling.count());
        return std::chrono::milliseconds(pick(rng));
    }

    template <class Stream>
    asio::awaitable<void> exchange(Stream& stream, beast::tcp_stream& lowest,
                                   bhttp::request<bhttp::string_body>& req, Outcome& out) {
        lowest.expires_after(settings.request_timeout);
        auto [wec, written] = co_await bhttp::async_write(stream, req, kNoThrow);
        if (wec) {
            out.ec = wec;
            out.failed_at = Outcome::Stage::kExchange;
            out.timed_out = wec == beast::error::timeout;
            co_return;
        }
        out.request_sent = true;
        beast::flat_buffer buffer;
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(kResponseBodyLimit);
        auto [rec, read] = co_await bhttp::async_read(stream, buffer, parser, kNoThrow);
        if (rec) {
            out.ec = rec;
            out.failed_at = Outcome::Stage::kExchange;
            out.timed_out = rec == beast::error::timeout;
            co_return;
        }
        auto& res = parser.get();
        out.status = static_cast<int>(res.result_int());
        out.retry_after = retry_after(res[bhttp::field::retry_after]);
        out.body = std::move(res.body());
    }

    // One attempt on a fresh connection.
    asio::awaitable<Outcome> attempt(bhttp::verb verb, const std::string& target, const std::string& body) {
        Outcome out;
        auto ex = co_await asio::this_coro::executor;
        auto deadline = Clock::now() + settings.connect_timeout;

        tcp::resolver resolver(ex);
        asio::steady_timer guard(ex, deadline);
        guard.async_wait([&resolver](boost::system::error_code ec) {
            if (!ec) resolver.cancel();  // DNS has no timeout of its own
        });
        auto [rec, endpoints] = co_await resolver.async_resolve(base.host, base.port, kNoThrow);
        guard.cancel();
        if (rec) {
            out.ec = rec;
            out.failed_at = Outcome::Stage::kConnect;
            out.timed_out = rec == asio::error::operation_aborted;
            co_return out;
        }

        bhttp::request<bhttp::string_body> req{verb, target, 11};
        req.set(bhttp::field::host, base.host_header);
        req.set(bhttp::field::authorization, authorization);
        req.set(bhttp::field::user_agent, "shipd");
        req.set(bhttp::field::accept, "application/json");
        if (verb != bhttp::verb::get) {
            req.set(bhttp::field::content_type, "application/json");
            req.body() = body;
        }
        req.keep_alive(false);
        req.prepare_payload();

        if (!base.tls) {
            beast::tcp_stream stream(ex);
            stream.expires_at(deadline);
            auto [cec, ep] = co_await stream.async_connect(endpoints, kNoThrow);
            if (cec) {
                out.ec = cec;
                out.failed_at = Outcome::Stage::kConnect;
                out.timed_out = cec == beast::error::timeout;
                co_return out;
            }
            co_await exchange(stream, stream, req, out);
            co_return out;
        }

        beast::ssl_stream<beast::tcp_stream> stream(ex, tls);
        auto& lowest = beast::get_lowest_layer(stream);
        lowest.expires_at(deadline);
        auto [cec, ep] = co_await lowest.async_connect(endpoints, kNoThrow);
        if (cec) {
            out.ec = cec;
            out.failed_at = Outcome::Stage::kConnect;
            out.timed_out = cec == beast::error::timeout;
            co_return out;
        }
        // SNI, and the certificate must name the host.
        if (!SSL_set_tlsext_host_name(stream.native_handle(), base.host.c_str())) {
            out.ec = boost::system::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
            out.failed_at = Outcome::Stage::kTls;
            co_return out;
        }
        if (settings.verify_peer) stream.set_verify_callback(asio::ssl::host_name_verification(base.host));
        auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, kNoThrow);
        if (hec) {
            out.ec = hec;
            out.failed_at = Outcome::Stage::kTls;
            out.timed_out = hec == beast::error::timeout;
            co_return out;
        }
        co_await exchange(stream, lowest, req, out);
        co_return out;
    }

    CarrierError transport_error(const Outcome& o) const {
        std::string where = std::string(scheme()) + "://" + base.host_header;
        if (o.timed_out) {
            auto limit = o.failed_at == Outcome::Stage::kExchange ? settings.request_timeout
                                                                  : settings.connect_timeout;
            return CarrierError("EasyPost (" + where + ") did not answer within " +
                                    std::to_string(limit.count()) + " ms",
                                0, "TIMEOUT");
        }
        if (o.failed_at == Outcome::Stage::kTls) {
            return CarrierError("TLS with EasyPost (" + where + ") failed: " + o.ec.message(), 0, "TLS");
        }
        return CarrierError("cannot reach EasyPost (" + where + "): " + o.ec.message(), 0, "CONNECTION");
    }

    // The API key must never reach a message, even if a server echoes it back.
    CarrierError scrubbed(const CarrierError& e) const {
        return CarrierError(replace_all(e.what(), settings.api_key, "[key]"), e.http_status(), e.code(),
                            replace_all(e.carrier_message(), settings.api_key, "[key]"), e.errors());
    }

    /// Before repeating a request the server may already have acted on: a GET that tells
    /// whether it did (`completed`), in which case its answer stands for the request's.
    struct Recheck {
        std::string target;
        std::function<bool(const Outcome&)> completed;
    };

    /// A request with retries; returns the 2xx answer, throws CarrierError otherwise.
    asio::awaitable<Outcome> call(bhttp::verb verb, const std::string& path, const std::string& body,
                                  const Recheck* recheck = nullptr) {
        std::string target = base.path + path;
        Outcome last;
        for (int attempt = 1;; ++attempt) {
            last = co_await attempt_once(verb, target, body);
            if (last.status >= 200 && last.status < 300) co_return last;
            if (!retryable(last) || attempt >= settings.max_attempts) break;
            asio::steady_timer wait(co_await asio::this_coro::executor, backoff(attempt, last));
            co_await wait.async_wait(kNoThrow);
            if (recheck && ambiguous(last)) {
                Outcome seen = co_await attempt_once(bhttp::verb::get, base.path + recheck->target, {});
                if (seen.status >= 200 && seen.status < 300 && recheck->completed(seen)) co_return seen;
            }
        }
        if (last.status == 0) throw scrubbed(transport_error(last));
        throw scrubbed(detail::error_from_response(last.status, last.body));
    }

    asio::awaitable<Outcome> attempt_once(bhttp::verb verb, const std::string& target, const std::string& body) {
        co_return co_await attempt(verb, target, body);
    }

    asio::awaitable<Quote> quote(const domain::Shipment& shipment) {
        if (!shipment.parcel) throw CarrierError("the shipment has no parcel to rate", 422, "PARCEL.MISSING");
        Outcome o = co_await call(bhttp::verb::post, "/shipments", detail::shipment_request_body(shipment));
        detail::EasyPostShipment s = detail::parse_shipment(o.body, o.status);
        if (s.rates.empty()) {
            std::string why = s.messages.empty() ? "no carrier offered a rate" : s.messages.front();
            throw scrubbed(CarrierError("EasyPost returned no rates: " + why, o.status, "NO_RATES", why));
        }
        co_return Quote{std::move(s.rates), std::move(s.id)};
    }

    asio::awaitable<Purchase> buy(const domain::Shipment& shipment, const domain::Rate& rate) {
        std::string shipment_id = shipment.easypost_id.value_or("");
        std::string rate_id = rate.id;
        if (shipment_id.empty() || rate_id.empty()) {
            // Imported or never quoted at EasyPost: quote now, buy the same carrier and service.
            Quote q = co_await quote(shipment);
            auto it = std::find_if(q.rates.begin(), q.rates.end(), [&](const domain::Rate& r) {
                return r.carrier == rate.carrier && r.service == rate.service;
            });
            if (it == q.rates.end()) {
                throw CarrierError("EasyPost offers no " + rate.carrier + " " + rate.service +
                                       " rate for this shipment",
                                   422, "RATE.INVALID");
            }
            shipment_id = q.easypost_id;
            rate_id = it->id;
        }
        Recheck recheck{"/shipments/" + shipment_id, [](const Outcome& seen) {
                            try {
                                return !detail::parse_shipment(seen.body, seen.status).tracking_code.empty();
                            } catch (const CarrierError&) {
                                return false;
                            }
                        }};
        Outcome o = co_await call(bhttp::verb::post, "/shipments/" + shipment_id + "/buy",
                                  detail::buy_request_body(rate_id), &recheck);
        detail::EasyPostShipment s = detail::parse_shipment(o.body, o.status);
        if (s.tracking_code.empty()) {
            throw CarrierError("EasyPost bought no label (no tracking code in its answer)", o.status,
                               "RESPONSE.INVALID");
        }
        Purchase p;
        p.tracking_code = std::move(s.tracking_code);
        p.label_url = std::move(s.label_url);
        p.easypost_id = std::move(s.id);
        if (s.selected_rate) {
            p.rate = std::move(*s.selected_rate);
        } else {
            p.rate = rate;
            p.rate.id = rate_id;
        }
        co_return p;
    }
};

EasyPostCarrier::EasyPostCarrier(CarrierSettings settings)
    : impl_(std::make_unique<Impl>(std::move(settings))) {}

EasyPostCarrier::~EasyPostCarrier() = default;

asio::awaitable<Quote> EasyPostCarrier::quote_shipment(const domain::Shipment& shipment) {
    co_return co_await impl_->quote(shipment);
}

asio::awaitable<Purchase> EasyPostCarrier::buy(const domain::Shipment& shipment, const domain::Rate& rate) {
    co_return co_await impl_->buy(shipment, rate);
}

}  // namespace shipd::carriers
