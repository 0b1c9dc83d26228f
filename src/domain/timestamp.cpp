// RFC 3339 times: parsed strictly, normalised to UTC.
#include "domain/timestamp.hpp"

#include <cstdint>
#include <cstdio>

#include "domain/civil.hpp"

namespace shipd::domain {

namespace {

// Reads exactly `count` digits at `pos`; -1 when they are not all digits.
int digits(std::string_view text, std::size_t pos, std::size_t count) {
    if (pos + count > text.size()) return -1;
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        const char c = text[i];
        if (c < '0' || c > '9') return -1;
        value = value * 10 + (c - '0');
    }
    return value;
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::optional<Timestamp> parse_rfc3339(std::string_view text) {
    // YYYY-MM-DDTHH:MM:SS is 19 characters; the shortest valid form adds "Z".
    if (text.size() < 20 || text.size() > 40) return std::nullopt;
    const int year = digits(text, 0, 4);
    const int month = digits(text, 5, 2);
    const int day = digits(text, 8, 2);
    const int hour = digits(text, 11, 2);
    const int minute = digits(text, 14, 2);
    const int second = digits(text, 17, 2);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
        return std::nullopt;
    }
    if (text[4] != '-' || text[7] != '-' || text[13] != ':' || text[16] != ':') return std::nullopt;
    if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
    if (hour > 23 || minute > 59 || second > 59) return std::nullopt;

    std::size_t pos = 19;
    int micros = 0;
    if (text[pos] == '.') {
        ++pos;
        std::size_t count = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (count < 6) micros = micros * 10 + (text[pos] - '0');
            ++count;
            ++pos;
        }
        if (count == 0 || count > 9) return std::nullopt;
        for (std::size_t i = count; i < 6; ++i) micros *= 10;
    }
    if (pos >= text.size()) return std::nullopt;

    int offset_minutes = 0;
    const char zone = text[pos];
    if (zone == 'Z' || zone == 'z') {
        ++pos;
    } else if (zone == '+' || zone == '-') {
        const int oh = digits(text, pos + 1, 2);
        const int om = digits(text, pos + 4, 2);
        if (oh < 0 || om < 0 || oh > 23 || om > 59 || text[pos + 3] != ':') return std::nullopt;
        offset_minutes = (oh * 60 + om) * (zone == '+' ? 1 : -1);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;

    std::int64_t seconds = days_from_civil(year, static_cast<unsigned>(month),
                                           static_cast<unsigned>(day)) * 86400 +
                           hour * 3600 + minute * 60 + second - offset_minutes * 60;
    std::int64_t days = floor_days(seconds);
    std::int64_t rest = seconds - days * 86400;
    const auto [y, m, d] = civil_from_days(days);
    if (y < 1 || y > 9999) return std::nullopt;

    char buf[40];
    int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(y), m,
                          d, static_cast<int>(rest / 3600), static_cast<int>(rest % 3600 / 60),
                          static_cast<int>(rest % 60));
    Timestamp out(buf, static_cast<std::size_t>(n));
    if (micros != 0) {
        std::snprintf(buf, sizeof buf, ".%06d", micros);
        std::string_view frac(buf);
        while (frac.back() == '0') frac.remove_suffix(1);
        out += frac;
    }
    out += 'Z';
    return out;
}

}  // namespace shipd::domain
