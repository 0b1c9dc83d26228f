// The Prometheus text format: escaping, number formatting, histogram lines.
#include "metrics/exposition.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace shipd::metrics {
namespace {

TEST(Exposition, LabelValuesEscapeBackslashQuoteAndLineFeed) {
    EXPECT_EQ(escape_label_value(R"(a\b"c)" "\n" "d"), R"(a\\b\"c\nd)");
    EXPECT_EQ(escape_label_value("/v1/shipments/{id}"), "/v1/shipments/{id}");
    EXPECT_EQ(escape_label_value("caf\xc3\xa9"), "caf\xc3\xa9");  // UTF-8 passes as is
}

TEST(Exposition, HelpEscapesBackslashAndLineFeedButNotQuotes) {
    EXPECT_EQ(escape_help("a \\ b\n\"c\""), "a \\\\ b\\n\"c\"");
}

TEST(Exposition, ValuesUseTheShortestExactFormAndTheSpecialNames) {
    EXPECT_EQ(format_value(0), "0");
    EXPECT_EQ(format_value(3), "3");
    EXPECT_EQ(format_value(0.0005), "0.0005");
    EXPECT_EQ(format_value(2.5), "2.5");
    EXPECT_EQ(format_value(123456789.0), "123456789");
    EXPECT_EQ(format_value(-2), "-2");
    EXPECT_EQ(format_value(0.1 + 0.2), "0.30000000000000004");
    EXPECT_EQ(format_value(1e21), "1e+21");
    EXPECT_EQ(format_value(1.5e-7), "1.5e-07");
    EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
    EXPECT_EQ(format_value(std::nan("")), "NaN");
}

TEST(Exposition, FamilyAndSamples) {
    Exposition out;
    out.family("shipd_things_total", Type::kCounter, "Things.\nMore \\ things.");
    out.sample("shipd_things_total", {{"route", "/a"}, {"status", "200"}}, std::uint64_t{18446744073709551615u});
    out.sample("shipd_things_total", {{"route", "say \"hi\""}}, 1.5);
    out.family("shipd_up", Type::kGauge, "Up.");
    out.sample("shipd_up", {}, 1.0);
    EXPECT_EQ(out.text(),
              "# HELP shipd_things_total Things.\\nMore \\\\ things.\n"
              "# TYPE shipd_things_total counter\n"
              "shipd_things_total{route=\"/a\",status=\"200\"} 18446744073709551615\n"
              "shipd_things_total{route=\"say \\\"hi\\\"\"} 1.5\n"
              "# HELP shipd_up Up.\n"
              "# TYPE shipd_up gauge\n"
              "shipd_up 1\n");
}

TEST(Exposition, HistogramBucketsAreCumulativeEndingWithInfThenSumAndCount) {
    HistogramData h;
    h.bounds = {0.001, 0.01, 0.1};
    h.counts = {2, 0, 3, 1};  // per bucket; the last is above 0.1
    h.sum = 0.75;
    h.count = 6;
    Exposition out;
    out.family("x_seconds", Type::kHistogram, "X.");
    out.histogram("x_seconds", {{"pool", "primary"}}, h);
    EXPECT_EQ(out.text(),
              "# HELP x_seconds X.\n"
              "# TYPE x_seconds histogram\n"
              "x_seconds_bucket{pool=\"primary\",le=\"0.001\"} 2\n"
              "x_seconds_bucket{pool=\"primary\",le=\"0.01\"} 2\n"
              "x_seconds_bucket{pool=\"primary\",le=\"0.1\"} 5\n"
              "x_seconds_bucket{pool=\"primary\",le=\"+Inf\"} 6\n"
              "x_seconds_sum{pool=\"primary\"} 0.75\n"
              "x_seconds_count{pool=\"primary\"} 6\n");
}

TEST(Exposition, HistogramWithoutLabelsStillCarriesLe) {
    Exposition out;
    out.histogram("y", {}, Histogram{}.data());
    auto text = out.text();
    EXPECT_NE(text.find("y_bucket{le=\"0.0005\"} 0\n"), std::string::npos) << text;
    EXPECT_NE(text.find("y_bucket{le=\"+Inf\"} 0\ny_sum 0\ny_count 0\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace shipd::metrics
