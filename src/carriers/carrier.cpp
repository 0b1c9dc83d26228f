// CarrierError, the shared quote() helper and make_carrier.
#include "carriers/carrier.hpp"

#include "carriers/easypost.hpp"
#include "carriers/simulated.hpp"

namespace shipd::carriers {

CarrierError::CarrierError(const std::string& message, int http_status, std::string code,
                           std::string carrier_message, std::vector<CarrierFieldError> errors)
    : std::runtime_error(message),
      http_status_(http_status),
      code_(std::move(code)),
      carrier_message_(std::move(carrier_message)),
      errors_(std::move(errors)) {}

boost::asio::awaitable<std::vector<domain::Rate>> Carrier::quote(const domain::Shipment& shipment) {
    Quote q = co_await quote_shipment(shipment);
    co_return std::move(q.rates);
}

std::unique_ptr<Carrier> make_carrier(const CarrierSettings& settings) {
    switch (settings.provider) {
        case Provider::kSimulated:
            return std::make_unique<SimulatedCarrier>();
        case Provider::kEasyPost:
            return std::make_unique<EasyPostCarrier>(settings);
    }
    throw std::invalid_argument("unknown carrier provider");
}

}  // namespace shipd::carriers
