// Field rules shared by every parser.
#include "domain/validate.hpp"

#include <array>

namespace shipd::domain {

namespace {

// ISO 3166-1 alpha-2 officially assigned codes (249) plus XK.
constexpr std::string_view kCountryCodes =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ "
    "BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ "
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ "
    "DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR "
    "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY "
    "HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP "
    "KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY "
    "MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ "
    "NA NC NE NF NG NI NL NO NP NR NU NZ OM "
    "PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW "
    "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ "
    "TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ "
    "VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW";

consteval std::array<bool, 26 * 26> country_table() {
    std::array<bool, 26 * 26> table{};
    for (std::size_t i = 0; i + 1 < kCountryCodes.size(); i += 3) {
        table[(kCountryCodes[i] - 'A') * 26 + (kCountryCodes[i + 1] - 'A')] = true;
    }
    return table;
}

constexpr auto kCountries = country_table();

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

bool is_uuid(std::string_view text) {
    if (text.size() != 36) return false;
    for (std::size_t i = 0; i < 36; ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (text[i] != '-') return false;
        } else if (!is_hex(text[i])) {
            return false;
        }
    }
    return true;
}

std::optional<std::string> normalize_country(std::string_view text) {
    if (text.size() != 2) return std::nullopt;
    const char a = upper(text[0]);
    const char b = upper(text[1]);
    if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z') return std::nullopt;
    if (!kCountries[(a - 'A') * 26 + (b - 'A')]) return std::nullopt;
    return std::string{a, b};
}

bool is_plausible_email(std::string_view text) {
    const auto at = text.find('@');
    if (at == std::string_view::npos || at == 0) return false;
    if (text.find('@', at + 1) != std::string_view::npos) return false;
    const auto domain = text.substr(at + 1);
    const auto dot = domain.find('.');
    if (domain.empty() || dot == std::string_view::npos || domain.front() == '.' ||
        domain.back() == '.') {
        return false;
    }
    for (char c : text) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
    }
    return true;
}

bool has_control_chars(std::string_view text, bool allow_line_breaks) {
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == 0x7f) return true;
        if (c >= 0x20) continue;
        if (allow_line_breaks && (c == '\t' || c == '\n' || c == '\r')) continue;
        return true;
    }
    return false;
}

}  // namespace shipd::domain
