// LoopMetrics: recording and snapshots.
#include "api/loop_metrics.hpp"

#include <functional>

namespace shipd::api {

std::size_t HttpMetrics::KeyHash::operator()(const Key& k) const noexcept {
    std::size_t h = std::hash<std::string_view>{}(k.route);
    return h ^ (std::hash<std::string_view>{}(k.method) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

void HttpMetrics::record(std::string_view route, std::string_view method, int status,
                         std::chrono::nanoseconds duration) {
    Entry& e = entries_[Key{route, method}];
    e.latency.observe(duration);
    for (auto& [s, n] : e.statuses) {
        if (s == status) {
            ++n;
            return;
        }
    }
    e.statuses.emplace_back(status, 1);
}

std::vector<HttpSeries> HttpMetrics::snapshot() const {
    std::vector<HttpSeries> out;
    out.reserve(entries_.size());
    for (const auto& [key, entry] : entries_) {
        out.push_back(HttpSeries{std::string(key.route), std::string(key.method), entry.latency.data(), entry.statuses});
    }
    return out;
}

std::string_view to_string(CarrierOperation op) { return op == CarrierOperation::kQuote ? "quote" : "buy"; }

std::string_view to_string(CarrierOutcome outcome) {
    switch (outcome) {
        case CarrierOutcome::kOk: return "ok";
        case CarrierOutcome::kRejected: return "rejected";
        case CarrierOutcome::kFailed: return "failed";
    }
    return "failed";
}

void CarrierSnapshot::merge(const CarrierSnapshot& other) {
    for (std::size_t o = 0; o < calls.size(); ++o) {
        for (std::size_t r = 0; r < calls[o].size(); ++r) calls[o][r] += other.calls[o][r];
        latency[o].merge(other.latency[o]);
    }
}

CarrierSnapshot CarrierMetrics::snapshot() const {
    CarrierSnapshot s;
    s.calls = calls_;
    for (std::size_t o = 0; o < latency_.size(); ++o) s.latency[o] = latency_[o].data();
    return s;
}

}  // namespace shipd::api
