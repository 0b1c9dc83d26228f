// SimulatedCarrier: the offline default. Deterministic rates for nine real-looking services
// from weight and distance, carrier-shaped tracking codes, fake label URLs.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "carriers/carrier.hpp"

namespace shipd::carriers {

/// The clock the simulated carrier reads "today" from (est_delivery_date); tests fix it.
using SystemClock = std::function<std::chrono::system_clock::time_point()>;

/// Offline carrier: no network, no key. Same shipment in, same rates, ids and tracking codes
/// out; only est_delivery_date follows the clock. Labels are fake:
/// "https://labels.shipd.local/<tracking_code>.pdf" resolves nowhere.
class SimulatedCarrier final : public Carrier {
public:
    /// `clock` defaults to std::chrono::system_clock::now.
    explicit SimulatedCarrier(SystemClock clock = {});

    std::string_view name() const override { return "simulated"; }
    /// Nine rates (USPS, UPS, FedEx × 3), cheapest first. Throws CarrierError "PARCEL.MISSING"
    /// when the shipment has no parcel, "PARCEL.WEIGHT.INVALID" when its weight is not > 0.
    boost::asio::awaitable<Quote> quote_shipment(const domain::Shipment& shipment) override;
    /// Throws as simulated_purchase().
    boost::asio::awaitable<Purchase> buy(const domain::Shipment& shipment,
                                         const domain::Rate& rate) override;

private:
    SystemClock clock_;
};

/// The rates SimulatedCarrier quotes, as a pure function of the shipment and the ship date.
/// Rate ids are "rate_" + 32 hex digits of SHA-256 over the shipment's identity (its id when
/// it has one, else its addresses, parcel and reference) and the service, so a quoted id can
/// be bought later. Throws CarrierError as SimulatedCarrier::quote_shipment.
std::vector<domain::Rate> simulated_rates(const domain::Shipment& shipment,
                                          std::chrono::sys_days ship_date);

/// Buys `rate` of `shipment`: the rate is matched among simulated_rates() by id, else by
/// carrier and service (so a rate quoted on another day or before the shipment was stored
/// still buys). Throws CarrierError "RATE.INVALID" (HTTP-like status 422) when nothing matches,
/// and as simulated_rates().
Purchase simulated_purchase(const domain::Shipment& shipment, const domain::Rate& rate,
                            std::chrono::sys_days ship_date);

/// A tracking code shaped like `carrier`'s, derived from `seed`: USPS 22 digits starting
/// "9400" (mod-10 check digit), UPS "1Z" + 16 (service code 01/02/03, check digit), FedEx 12
/// digits (mod-11 check digit). Throws std::invalid_argument for an unknown carrier.
std::string simulated_tracking_code(std::string_view carrier, std::string_view service,
                                    std::string_view seed);

/// The simulated label URL of a tracking code (fake: nothing serves it).
std::string simulated_label_url(std::string_view tracking_code);

/// 1 (same 3-digit ZIP prefix) to 8 (across the country, or outside the US): the distance
/// proxy the simulated prices and routes use.
int simulated_zone(const domain::Address& from, const domain::Address& to);

}  // namespace shipd::carriers
