// Histogram snapshots.
#include "metrics/histogram.hpp"

#include <stdexcept>

namespace shipd::metrics {

void HistogramData::merge(const HistogramData& other) {
    if (bounds.empty() && counts.empty()) {
        *this = other;
        return;
    }
    if (other.bounds != bounds || other.counts.size() != counts.size()) {
        throw std::invalid_argument("histograms with different buckets cannot be merged");
    }
    for (std::size_t i = 0; i < counts.size(); ++i) counts[i] += other.counts[i];
    sum += other.sum;
    count += other.count;
}

HistogramData Histogram::data() const {
    HistogramData d;
    d.bounds.assign(kBounds.begin(), kBounds.end());
    d.counts.assign(counts_.begin(), counts_.end());
    d.sum = sum_;
    d.count = count_;
    return d;
}

}  // namespace shipd::metrics
