// LoopMetrics: the request and carrier figures of one event loop. Only that loop's thread
// writes and reads them (no lock, no atomics); /metrics gathers every loop's snapshot on the
// loop itself (process_snapshot.hpp).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "metrics/histogram.hpp"

namespace shipd::api {

/// One (route template, method)'s requests: latency and the count of each status.
struct HttpSeries {
    std::string route;
    std::string method;
    metrics::HistogramData latency;
    std::vector<std::pair<int, std::uint64_t>> statuses;  ///< status → requests
};

/// HTTP requests by route TEMPLATE (never the raw path: bounded cardinality), method, status.
class HttpMetrics {
public:
    /// `route` and `method` must outlive the loop (the router's templates, static names): they
    /// are kept as views.
    void record(std::string_view route, std::string_view method, int status, std::chrono::nanoseconds duration);
    std::vector<HttpSeries> snapshot() const;

private:
    struct Key {
        std::string_view route;
        std::string_view method;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const noexcept;
    };
    struct Entry {
        metrics::Histogram latency;
        std::vector<std::pair<int, std::uint64_t>> statuses;
    };
    std::unordered_map<Key, Entry, KeyHash> entries_;
};

enum class CarrierOperation { kQuote, kBuy };
/// ok; rejected: the carrier answered 4xx (a bad address, no such rate); failed: no answer,
/// a 5xx, or anything else.
enum class CarrierOutcome { kOk, kRejected, kFailed };

std::string_view to_string(CarrierOperation op);
std::string_view to_string(CarrierOutcome outcome);

/// Carrier calls by operation and outcome, with a latency histogram per operation.
struct CarrierSnapshot {
    std::array<std::array<std::uint64_t, 3>, 2> calls{};  ///< [operation][outcome]
    std::array<metrics::HistogramData, 2> latency;         ///< [operation]
    void merge(const CarrierSnapshot& other);
};

class CarrierMetrics {
public:
    void record(CarrierOperation op, CarrierOutcome outcome, std::chrono::nanoseconds duration) noexcept {
        auto o = static_cast<std::size_t>(op);
        ++calls_[o][static_cast<std::size_t>(outcome)];
        latency_[o].observe(duration);
    }
    CarrierSnapshot snapshot() const;

private:
    std::array<std::array<std::uint64_t, 3>, 2> calls_{};
    std::array<metrics::Histogram, 2> latency_;
};

struct LoopMetrics {
    HttpMetrics http;
    CarrierMetrics carrier;
};

}  // namespace shipd::api
