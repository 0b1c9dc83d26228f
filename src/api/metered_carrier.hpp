// MeteredCarrier: a Carrier that counts the calls it passes on (operation, outcome, latency)
// into its loop's CarrierMetrics. The carriers module itself knows nothing of metrics.
#pragma once

#include <memory>

#include "api/loop_metrics.hpp"
#include "carriers/carrier.hpp"

namespace shipd::api {

class MeteredCarrier final : public carriers::Carrier {
public:
    /// `metrics` must outlive the carrier (both belong to one loop).
    MeteredCarrier(std::unique_ptr<carriers::Carrier> inner, CarrierMetrics& metrics)
        : inner_(std::move(inner)), metrics_(metrics) {}

    std::string_view name() const override { return inner_->name(); }
    boost::asio::awaitable<carriers::Quote> quote_shipment(const domain::Shipment& shipment) override;
    boost::asio::awaitable<carriers::Purchase> buy(const domain::Shipment& shipment,
                                                   const domain::Rate& rate) override;

private:
    std::unique_ptr<carriers::Carrier> inner_;
    CarrierMetrics& metrics_;
};

}  // namespace shipd::api
