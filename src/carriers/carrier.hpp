// The carrier interface (quote rates, buy a label), its error, its settings and the factory.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "domain/types.hpp"

namespace shipd::carriers {

/// What buying a rate returns.
struct Purchase {
    std::string tracking_code;
    std::string label_url;
    std::string easypost_id;  ///< the shipment's id at the carrier ("shp_..."); empty when simulated
    domain::Rate rate;        ///< the rate bought (the carrier's selected_rate)
};

/// What quoting returns: the rates and the shipment's id at the carrier, which the caller
/// stores as Shipment::easypost_id so that buy() can refer to it.
struct Quote {
    std::vector<domain::Rate> rates;
    std::string easypost_id;  ///< "shp_..." at EasyPost; empty when simulated
};

/// One field problem a carrier reported (EasyPost's `errors[]`).
struct CarrierFieldError {
    std::string field;
    std::string message;
};

/// The carrier failed or refused (API: 502 CARRIER_ERROR). what() is safe to show a user: it
/// never contains the API key or a raw response body.
class CarrierError : public std::runtime_error {
public:
    CarrierError(const std::string& message, int http_status = 0, std::string code = {},
                 std::string carrier_message = {}, std::vector<CarrierFieldError> errors = {});

    /// The carrier's HTTP status; 0 when no response came (connection error, timeout).
    int http_status() const { return http_status_; }
    /// The carrier's error code ("ADDRESS.VERIFY.FAILURE", "TIMEOUT"...); may be empty.
    const std::string& code() const { return code_; }
    /// The carrier's own error message; may be empty.
    const std::string& carrier_message() const { return carrier_message_; }
    /// The carrier's field errors, if it listed any.
    const std::vector<CarrierFieldError>& errors() const { return errors_; }

private:
    int http_status_;
    std::string code_;
    std::string carrier_message_;
    std::vector<CarrierFieldError> errors_;
};

/// Quotes rates and buys labels. Implementations are safe to call concurrently from
/// coroutines on any executor; they hold no database connection.
class Carrier {
public:
    virtual ~Carrier() = default;

    /// "simulated" or "easypost" (for logs and metrics).
    virtual std::string_view name() const = 0;

    /// Rates for the shipment (its from/to addresses and parcel) and the carrier's id for it.
    /// Throws CarrierError when the carrier fails or refuses (a shipment without a parcel is
    /// refused with code "PARCEL.MISSING").
    virtual boost::asio::awaitable<Quote> quote_shipment(const domain::Shipment& shipment) = 0;

    /// The rates of quote_shipment() alone. Throws as quote_shipment().
    boost::asio::awaitable<std::vector<domain::Rate>> quote(const domain::Shipment& shipment);

    /// Buys `rate` (one of the shipment's quoted rates, matched by id, else by carrier and
    /// service) and returns the label. When the shipment's easypost_id is empty the EasyPost
    /// carrier quotes afresh and buys the rate of the same carrier and service (imported
    /// shipments). Throws CarrierError when the carrier fails or refuses, or offers no such rate.
    virtual boost::asio::awaitable<Purchase> buy(const domain::Shipment& shipment,
                                                 const domain::Rate& rate) = 0;
};

/// Which carrier implementation make_carrier builds (CARRIER_PROVIDER).
enum class Provider { kSimulated, kEasyPost };

/// Settings of the carrier module (config/ fills them from CARRIER_PROVIDER, EASYPOST_*).
struct CarrierSettings {
    Provider provider = Provider::kSimulated;
    std::string api_key;  ///< EASYPOST_API_KEY; required for kEasyPost; never logged
    /// EASYPOST_BASE_URL: https:// (or http:// for local fakes), with the version path.
    std::string base_url = "https://api.easypost.com/v2";
    /// DNS + TCP connect + TLS handshake of one attempt.
    std::chrono::milliseconds connect_timeout{5'000};
    /// Sending the request and reading the whole response of one attempt. EasyPost buys can
    /// take several seconds when the carrier behind it is slow, hence generous.
    std::chrono::milliseconds request_timeout{30'000};
    /// Attempts in all (1 = no retry), for 429, 5xx and connection errors / timeouts.
    int max_attempts = 3;
    /// First backoff; doubled each retry, full jitter, capped by backoff_max (Retry-After wins
    /// when the server sends one, capped by the same bound).
    std::chrono::milliseconds backoff_base{250};
    std::chrono::milliseconds backoff_max{8'000};
    /// Verify the server's certificate against the system store (turn off only for tests).
    bool verify_peer = true;
    /// Extra CA bundle (PEM file) to trust besides the system store; empty for none.
    std::string ca_file;
};

/// Builds the configured carrier. Throws std::invalid_argument (naming the setting, never its
/// secret value) when the settings are unusable: kEasyPost without an API key, a base URL that
/// is not http(s)://host[:port][/path], non-positive timeouts or attempts.
std::unique_ptr<Carrier> make_carrier(const CarrierSettings& settings);

}  // namespace shipd::carriers
