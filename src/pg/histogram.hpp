// Histogram: a tiny fixed-bucket latency histogram (Prometheus-style cumulative buckets are
// derived by the reader). Not thread-safe, like the pool that owns it.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

namespace shipd::pg {

class Histogram {
public:
    /// Upper bounds in microseconds; a last, implicit bucket holds everything above.
    static constexpr std::array<std::int64_t, 16> kBoundsUs = {
        50,     100,    250,     500,     1'000,     2'500,     5'000,     10'000,
        25'000, 50'000, 100'000, 250'000, 500'000, 1'000'000, 5'000'000, 30'000'000};
    static constexpr std::size_t kBuckets = kBoundsUs.size() + 1;

    void record(std::chrono::nanoseconds d) noexcept {
        auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
        std::size_t i = 0;
        while (i < kBoundsUs.size() && us > kBoundsUs[i]) ++i;
        ++counts_[i];
        ++count_;
        sum_us_ += us;
    }
    /// Observations in bucket i (not cumulative).
    std::uint64_t bucket(std::size_t i) const noexcept { return counts_[i]; }
    std::uint64_t count() const noexcept { return count_; }
    std::int64_t sum_us() const noexcept { return sum_us_; }
    /// The upper bound (µs) of the bucket holding quantile q (0..1); -1 when above the last.
    std::int64_t quantile_upper_bound_us(double q) const noexcept {
        if (count_ == 0) return 0;
        auto target = static_cast<std::uint64_t>(q * static_cast<double>(count_));
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < kBuckets; ++i) {
            seen += counts_[i];
            if (seen > target || seen == count_) return i < kBoundsUs.size() ? kBoundsUs[i] : -1;
        }
        return -1;
    }

private:
    std::array<std::uint64_t, kBuckets> counts_{};
    std::uint64_t count_ = 0;
    std::int64_t sum_us_ = 0;
};

}  // namespace shipd::pg
