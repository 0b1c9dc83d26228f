// MeteredCarrier: counts around the inner carrier's calls.
#include "api/metered_carrier.hpp"

namespace shipd::api {

namespace {

CarrierOutcome outcome_of(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const carriers::CarrierError& e) {
        return e.http_status() >= 400 && e.http_status() < 500 && e.http_status() != 429 ? CarrierOutcome::kRejected
                                                                                       : CarrierOutcome::kFailed;
    } catch (...) {
        return CarrierOutcome::kFailed;
    }
}

// Runs `call`, records it as `op` and passes on its result or its exception.
template <class T, class Call>
boost::asio::awaitable<T> metered(CarrierMetrics& metrics, CarrierOperation op, Call call) {
    auto started = std::chrono::steady_clock::now();
    std::exception_ptr error;
    try {
        T result = co_await call();
        metrics.record(op, CarrierOutcome::kOk, std::chrono::steady_clock::now() - started);
        co_return result;
    } catch (...) {
        error = std::current_exception();
    }
    metrics.record(op, outcome_of(error), std::chrono::steady_clock::now() - started);
    std::rethrow_exception(error);
}

}  // namespace

boost::asio::awaitable<carriers::Quote> MeteredCarrier::quote_shipment(const domain::Shipment& shipment) {
    return metered<carriers::Quote>(metrics_, CarrierOperation::kQuote,
                                    [this, &shipment] { return inner_->quote_shipment(shipment); });
}

boost::asio::awaitable<carriers::Purchase> MeteredCarrier::buy(const domain::Shipment& shipment,
                                                               const domain::Rate& rate) {
    return metered<carriers::Purchase>(metrics_, CarrierOperation::kBuy,
                                       [this, &shipment, &rate] { return inner_->buy(shipment, rate); });
}

}  // namespace shipd::api
