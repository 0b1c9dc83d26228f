// timestamptz text → RFC 3339 UTC: a fixed-format parse, a civil-date shift for a non-zero offset.
#include "store/detail/timestamp.hpp"

#include <cstdint>

#include "domain/civil.hpp"
#include "pg/errors.hpp"

namespace shipd::store::detail {

namespace {

[[noreturn]] void bad(std::string_view text) {
    throw pg::ResultError("not a timestamptz in DateStyle ISO (shipd sets it at connect): '" +
                          std::string(text) + "'");
}

// A cursor over the text: every read checks its bounds and its digits.
struct Reader {
    std::string_view text;
    std::size_t at = 0;

    bool done() const { return at == text.size(); }
    bool peek(char c) const { return at < text.size() && text[at] == c; }
    void expect(char c) {
        if (!peek(c)) bad(text);
        ++at;
    }
    bool digit() const { return at < text.size() && text[at] >= '0' && text[at] <= '9'; }
    // Exactly n digits.
    int fixed(int n) {
        int v = 0;
        for (int i = 0; i < n; ++i) {
            if (!digit()) bad(text);
            v = v * 10 + (text[at++] - '0');
        }
        return v;
    }
};

void two(std::string& out, unsigned v) {
    out += static_cast<char>('0' + v / 10);
    out += static_cast<char>('0' + v % 10);
}

}  // namespace

std::optional<std::string> utc_timestamp(std::string_view text) {
    if (text == "infinity" || text == "-infinity") return std::nullopt;
    Reader r{text};
    // Year: four digits or more (PostgreSQL pads to four).
    std::size_t year_begin = r.at;
    std::int64_t year = 0;
    while (r.digit()) {
        if (r.at - year_begin >= 7) bad(text);
        year = year * 10 + (text[r.at++] - '0');
    }
    std::size_t year_end = r.at;
    if (year_end - year_begin < 4) bad(text);
    r.expect('-');
    unsigned month = r.fixed(2);
    r.expect('-');
    unsigned day = r.fixed(2);
    r.expect(' ');
    std::size_t time_begin = r.at;
    int hour = r.fixed(2);
    r.expect(':');
    int minute = r.fixed(2);
    r.expect(':');
    int second = r.fixed(2);
    std::size_t time_end = r.at;
    std::string_view fraction;
    if (r.peek('.')) {
        ++r.at;
        std::size_t f = r.at;
        while (r.digit()) ++r.at;
        fraction = text.substr(f, r.at - f);
        if (fraction.empty() || fraction.size() > 6) bad(text);
    }
    int sign = r.peek('+') ? 1 : r.peek('-') ? -1 : 0;
    if (sign == 0) bad(text);
    ++r.at;
    int offset = r.fixed(2) * 3600;
    if (r.peek(':')) {
        ++r.at;
        offset += r.fixed(2) * 60;
        if (r.peek(':')) {
            ++r.at;
            offset += r.fixed(2);
        }
    }
    bool bc = false;
    if (r.peek(' ')) {
        ++r.at;
        r.expect('B');
        r.expect('C');
        bc = true;
    }
    if (!r.done() || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
        second > 60) {
        bad(text);
    }

    std::string out;
    out.reserve(27);
    if (offset == 0) {
        // UTC already (the session time zone shipd sets): the date and time as they are.
        out.append(text.substr(year_begin, year_end - year_begin));
        out += '-';
        two(out, month);
        out += '-';
        two(out, day);
        out += 'T';
        out.append(text.substr(time_begin, time_end - time_begin));
    } else {
        // Local time minus its offset, on the proleptic Gregorian calendar PostgreSQL uses.
        std::int64_t astronomical = bc ? 1 - year : year;
        std::int64_t seconds = domain::days_from_civil(astronomical, month, day) * 86400 +
                               hour * 3600 + minute * 60 + second - sign * offset;
        std::int64_t days = domain::floor_days(seconds);
        std::int64_t in_day = seconds - days * 86400;
        const auto [y, m, d] = domain::civil_from_days(days);
        std::string digits = std::to_string(y <= 0 ? 1 - y : y);  // to_char's YYYY: no era
        if (digits.size() < 4) out.append(4 - digits.size(), '0');
        out += digits;
        out += '-';
        two(out, m);
        out += '-';
        two(out, d);
        out += 'T';
        two(out, static_cast<unsigned>(in_day / 3600));
        out += ':';
        two(out, static_cast<unsigned>(in_day / 60 % 60));
        out += ':';
        two(out, static_cast<unsigned>(in_day % 60));
    }
    out += '.';
    out.append(fraction);
    out.append(6 - fraction.size(), '0');
    out += 'Z';
    return out;
}

}  // namespace shipd::store::detail
