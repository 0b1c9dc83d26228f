// Text-format codecs: timestamptz and one-dimensional arrays.
#include "pg/detail/text_codec.hpp"

#include <charconv>
#include <cstdio>

#include "pg/errors.hpp"

namespace shipd::pg::detail {

namespace {

int digits(std::string_view s, size_t pos, size_t n, std::string_view whole) {
    int v = 0;
    if (pos + n > s.size()) throw ResultError("bad timestamptz '" + std::string(whole) + "'");
    auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + n, v);
    if (ec != std::errc{} || p != s.data() + pos + n) {
        throw ResultError("bad timestamptz '" + std::string(whole) + "'");
    }
    return v;
}

}  // namespace

TimePoint parse_timestamptz(std::string_view text) {
    using namespace std::chrono;
    // YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM[:SS]]]
    std::string_view s = text;
    int y = digits(s, 0, 4, text);
    if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T')) {
        throw ResultError("bad timestamptz '" + std::string(text) + "'");
    }
    int mo = digits(s, 5, 2, text), d = digits(s, 8, 2, text);
    int h = digits(s, 11, 2, text), mi = digits(s, 14, 2, text), se = digits(s, 17, 2, text);
    size_t pos = 19;
    long micros = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        int n = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (n < 6) micros = micros * 10 + (s[pos] - '0');
            ++n;
            ++pos;
        }
        for (; n < 6; ++n) micros *= 10;
    }
    seconds offset{0};
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        int sign = s[pos] == '-' ? -1 : 1;
        ++pos;
        int oh = digits(s, pos, 2, text), om = 0, os = 0;
        pos += 2;
        if (pos < s.size() && s[pos] == ':') {
            om = digits(s, pos + 1, 2, text);
            pos += 3;
        }
        if (pos < s.size() && s[pos] == ':') {
            os = digits(s, pos + 1, 2, text);
            pos += 3;
        }
        offset = seconds(sign * (oh * 3600 + om * 60 + os));
    } else if (pos < s.size() && s[pos] == 'Z') {
        ++pos;
    }
    if (pos != s.size()) throw ResultError("bad timestamptz '" + std::string(text) + "'");
    year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) throw ResultError("bad timestamptz '" + std::string(text) + "'");
    return TimePoint{sys_days{ymd}} + hours{h} + minutes{mi} + seconds{se} +
           microseconds{micros} - offset;
}

std::string format_timestamptz(TimePoint tp) {
    using namespace std::chrono;
    auto day_point = floor<days>(tp);
    year_month_day ymd{day_point};
    hh_mm_ss<microseconds> t{tp - day_point};
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02ld:%02ld:%02ld.%06ld+00",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<long>(t.hours().count()),
                  static_cast<long>(t.minutes().count()), static_cast<long>(t.seconds().count()),
                  static_cast<long>(t.subseconds().count()));
    return buf;
}

std::vector<std::optional<std::string>> parse_array(std::string_view s) {
    std::vector<std::optional<std::string>> out;
    auto bad = [&] { return ResultError("bad array literal '" + std::string(s) + "'"); };
    if (s.size() < 2 || s.front() != '{' || s.back() != '}') throw bad();
    size_t pos = 1;
    const size_t end = s.size() - 1;
    if (pos == end) return out;
    while (pos <= end) {
        if (s[pos] == '"') {
            std::string item;
            ++pos;
            while (pos < end && s[pos] != '"') {
                if (s[pos] == '\\') ++pos;
                if (pos >= end) throw bad();
                item.push_back(s[pos++]);
            }
            if (pos >= end) throw bad();
            ++pos;  // closing quote
            out.emplace_back(std::move(item));
        } else {
            size_t comma = s.find(',', pos);
            if (comma == std::string_view::npos || comma > end) comma = end;
            std::string_view item = s.substr(pos, comma - pos);
            if (item == "NULL") {
                out.emplace_back(std::nullopt);
            } else {
                if (item.find('{') != std::string_view::npos) {
                    throw ResultError("multi-dimensional arrays are not supported");
                }
                out.emplace_back(std::string(item));
            }
            pos = comma;
        }
        if (pos == end) break;
        if (s[pos] != ',') throw bad();
        ++pos;
    }
    return out;
}

std::string format_array(const std::vector<std::optional<std::string>>& items) {
    std::string out = "{";
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out.push_back(',');
        if (!items[i]) {
            out += "NULL";
            continue;
        }
        out.push_back('"');
        for (char c : *items[i]) {
            if (c == '"' || c == '\\') out.push_back('\\');
            out.push_back(c);
        }
        out.push_back('"');
    }
    out.push_back('}');
    return out;
}

}  // namespace shipd::pg::detail
