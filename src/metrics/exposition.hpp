// Exposition: the Prometheus text format (version 0.0.4), written family by family.
// https://prometheus.io/docs/instrumenting/exposition_formats/
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics/histogram.hpp"

namespace shipd::metrics {

/// The Content-Type of the text format.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

enum class Type { kCounter, kGauge, kHistogram };

/// Label name → value. Names are the caller's (valid identifiers); values are escaped.
using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

class Exposition {
public:
    /// Starts a family: its # HELP and # TYPE lines. Every sample that follows, up to the next
    /// family, belongs to it; a family is written once, all its series together.
    void family(std::string_view name, Type type, std::string_view help);

    /// One sample `name{labels} value` (name as given: the family's, or with a suffix).
    void sample(std::string_view name, const Labels& labels, double value);
    void sample(std::string_view name, const Labels& labels, std::uint64_t value);

    /// A histogram series: cumulative name_bucket{...,le="..."} lines ending with le="+Inf",
    /// then name_sum and name_count.
    void histogram(std::string_view name, const Labels& labels, const HistogramData& h);

    const std::string& text() const noexcept { return out_; }
    std::string take() noexcept { return std::move(out_); }

private:
    void series(std::string_view name, std::string_view suffix, const Labels& labels,
                std::string_view extra_name = {}, std::string_view extra_value = {});
    std::string out_;
};

/// A label value as the format wants it: backslash, double quote and line feed escaped.
std::string escape_label_value(std::string_view value);
/// A HELP text: backslash and line feed escaped.
std::string escape_help(std::string_view help);
/// A sample value: integers without exponent where exact, "+Inf", "-Inf", "NaN".
std::string format_value(double value);

}  // namespace shipd::metrics
