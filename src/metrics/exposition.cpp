// The Prometheus text format.
#include "metrics/exposition.hpp"

#include <charconv>
#include <cmath>

namespace shipd::metrics {

namespace {

const char* type_name(Type t) {
    switch (t) {
        case Type::kCounter: return "counter";
        case Type::kGauge: return "gauge";
        case Type::kHistogram: return "histogram";
    }
    return "untyped";
}

void append_label_value(std::string& out, std::string_view value) {
    for (char c : value) {
        switch (c) {
            case '\\': out += "\\\\"; break;
            case '"': out += "\\\""; break;
            case '\n': out += "\\n"; break;
            default: out += c;
        }
    }
}

}  // namespace

std::string escape_label_value(std::string_view value) {
    std::string out;
    append_label_value(out, value);
    return out;
}

std::string escape_help(std::string_view help) {
    std::string out;
    for (char c : help) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string format_value(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    double magnitude = std::fabs(value);
    if (value == std::trunc(value) && magnitude < 9007199254740992.0) {  // 2^53: exact as an integer
        return std::to_string(static_cast<std::int64_t>(value));
    }
    // Shortest round-trip digits; plain decimals in the usual range ("0.0005", as the client
    // libraries write bucket bounds), an exponent outside it.
    char buf[400];
    auto format = magnitude >= 1e-4 && magnitude < 1e21 ? std::chars_format::fixed : std::chars_format::scientific;
    auto r = std::to_chars(buf, buf + sizeof buf, value, format);
    return std::string(buf, r.ptr);
}

void Exposition::family(std::string_view name, Type type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += escape_help(help);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type_name(type);
    out_ += '\n';
}

void Exposition::series(std::string_view name, std::string_view suffix, const Labels& labels,
                        std::string_view extra_name, std::string_view extra_value) {
    out_ += name;
    out_ += suffix;
    if (!labels.empty() || !extra_name.empty()) {
        out_ += '{';
        bool first = true;
        auto label = [&](std::string_view n, std::string_view v) {
            if (!first) out_ += ',';
            first = false;
            out_ += n;
            out_ += "=\"";
            append_label_value(out_, v);
            out_ += '"';
        };
        for (const auto& [n, v] : labels) label(n, v);
        if (!extra_name.empty()) label(extra_name, extra_value);
        out_ += '}';
    }
    out_ += ' ';
}

void Exposition::sample(std::string_view name, const Labels& labels, double value) {
    series(name, {}, labels);
    out_ += format_value(value);
    out_ += '\n';
}

void Exposition::sample(std::string_view name, const Labels& labels, std::uint64_t value) {
    series(name, {}, labels);
    out_ += std::to_string(value);
    out_ += '\n';
}

void Exposition::histogram(std::string_view name, const Labels& labels, const HistogramData& h) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < h.bounds.size(); ++i) {
        if (i < h.counts.size()) cumulative += h.counts[i];
        series(name, "_bucket", labels, "le", format_value(h.bounds[i]));
        out_ += std::to_string(cumulative);
        out_ += '\n';
    }
    // +Inf is every observation, whatever the buckets say.
    series(name, "_bucket", labels, "le", "+Inf");
    out_ += std::to_string(h.count);
    out_ += '\n';
    series(name, "_sum", labels);
    out_ += format_value(h.sum);
    out_ += '\n';
    series(name, "_count", labels);
    out_ += std::to_string(h.count);
    out_ += '\n';
}

}  // namespace shipd::metrics
