// EasyPostCarrier: the EasyPost REST API over HTTPS (Beast + OpenSSL) with timeouts and retries.
#pragma once

#include <memory>

#include "carriers/carrier.hpp"

namespace shipd::carriers {

/// EasyPost client. Each call opens its own connection (no shared state but the TLS context),
/// so calls may run concurrently on any executor. Requests: POST {base}/shipments with
/// {"shipment": {...}} and POST {base}/shipments/{id}/buy with {"rate": {"id": ...}}, HTTP Basic
/// auth with the API key as user name. Retries 429 (honouring Retry-After), 5xx, connection
/// errors and timeouts up to settings.max_attempts with exponential backoff and full jitter.
/// A buy whose outcome is unknown (5xx, timeout after the request was sent) is not blindly
/// repeated: the shipment is read back first (GET /shipments/{id}) and its label returned when
/// the purchase did go through, so a retry never buys twice.
class EasyPostCarrier final : public Carrier {
public:
    /// Throws std::invalid_argument as make_carrier does (no key, bad URL, bad numbers), and
    /// CarrierError "TLS.SETUP" when the certificate store cannot be loaded.
    explicit EasyPostCarrier(CarrierSettings settings);
    ~EasyPostCarrier() override;

    std::string_view name() const override { return "easypost"; }
    /// Creates the shipment at EasyPost; its rates and "shp_..." id. Throws CarrierError: the
    /// carrier's error (code and message from its body), "TIMEOUT", "CONNECTION", "TLS",
    /// "RESPONSE.INVALID", "PARCEL.MISSING", or "NO_RATES" when every carrier declined.
    boost::asio::awaitable<Quote> quote_shipment(const domain::Shipment& shipment) override;
    /// Buys the rate on shipment.easypost_id (quoting afresh when that is empty, or the rate has
    /// no id, and buying the rate of the same carrier and service). Throws as quote_shipment(),
    /// and "RATE.INVALID" when a fresh quote has no such carrier and service.
    boost::asio::awaitable<Purchase> buy(const domain::Shipment& shipment,
                                         const domain::Rate& rate) override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace shipd::carriers
