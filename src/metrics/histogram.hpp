// Histograms: a fixed-bucket latency histogram for the hot path (one per event loop: no lock),
// and HistogramData, the snapshot that loops are summed into and the exposition writes.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <vector>

namespace shipd::metrics {

/// A histogram's figures: upper bounds (seconds, ascending), the observations of each bucket
/// (NOT cumulative; one more than bounds, the last above every bound), their sum and count.
struct HistogramData {
    std::vector<double> bounds;
    std::vector<std::uint64_t> counts;
    double sum = 0;
    std::uint64_t count = 0;

    /// Adds `other` bucket by bucket. An empty *this takes other's bounds; other bounds than
    /// ours are a programming error (std::invalid_argument).
    void merge(const HistogramData& other);
};

/// Request and call latencies: buckets from 0.5 ms to 10 s (Prometheus' `le`: a bucket holds
/// what is ≤ its bound).
class Histogram {
public:
    static constexpr std::array<double, 14> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                       0.1,    0.25,  0.5,    1,     2.5,   5,     10};

    void observe(std::chrono::nanoseconds d) noexcept {
        double s = std::chrono::duration<double>(d).count();
        std::size_t i = 0;
        while (i < kBounds.size() && s > kBounds[i]) ++i;
        ++counts_[i];
        ++count_;
        sum_ += s;
    }
    std::uint64_t count() const noexcept { return count_; }
    HistogramData data() const;

private:
    std::array<std::uint64_t, kBounds.size() + 1> counts_{};
    std::uint64_t count_ = 0;
    double sum_ = 0;
};

}  // namespace shipd::metrics
