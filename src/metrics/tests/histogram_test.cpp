// Histogram: bucket boundaries (le: inclusive), merging snapshots of several loops.
#include "metrics/histogram.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace shipd::metrics {
namespace {

using namespace std::chrono_literals;

TEST(Histogram, AnObservationOnABoundGoesToThatBucket) {
    Histogram h;
    h.observe(500us);   // = 0.0005: the first bucket
    h.observe(501us);   // the second
    h.observe(20s);     // above every bound
    auto d = h.data();
    ASSERT_EQ(d.counts.size(), Histogram::kBounds.size() + 1);
    EXPECT_EQ(d.counts[0], 1u);
    EXPECT_EQ(d.counts[1], 1u);
    EXPECT_EQ(d.counts.back(), 1u);
    EXPECT_EQ(d.count, 3u);
    EXPECT_NEAR(d.sum, 20.001001, 1e-9);
}

TEST(Histogram, MergeAddsBucketsAndAnEmptyOneTakesTheOther) {
    Histogram a, b;
    a.observe(1ms);
    b.observe(1ms);
    b.observe(3s);
    HistogramData total;
    total.merge(a.data());
    total.merge(b.data());
    EXPECT_EQ(total.count, 3u);
    EXPECT_EQ(total.counts[1], 2u);
    EXPECT_EQ(total.counts[Histogram::kBounds.size() - 2], 1u);  // 5 s bucket
    EXPECT_EQ(total.bounds.size(), Histogram::kBounds.size());
}

TEST(Histogram, MergingDifferentBucketsIsRefused) {
    HistogramData a = Histogram{}.data();
    HistogramData b;
    b.bounds = {1};
    b.counts = {0, 0};
    EXPECT_THROW(a.merge(b), std::invalid_argument);
}

}  // namespace
}  // namespace shipd::metrics
