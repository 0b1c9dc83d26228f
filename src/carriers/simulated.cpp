// SimulatedCarrier: price tables, stable ids and carrier-shaped tracking codes.
#include "carriers/simulated.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "carriers/detail/digest.hpp"

namespace shipd::carriers {

namespace {

using std::chrono::sys_days;

/// Which days a carrier delivers on (USPS delivers on Saturdays, the others here do not).
enum class Week { kMonToSat, kMonToFri };

/// One service's price shape, in cents: base for the first pound and zone 1, plus per extra
/// pound (growing 8 % a zone), plus per zone beyond the first. Numbers are in the range of
/// 2024 US retail prices so a demo looks plausible; they are not any carrier's table.
struct Service {
    std::string_view carrier;
    std::string_view service;
    int base_cents;
    int per_lb_cents;
    int per_zone_cents;
    /// Dimensional-weight divisor (cubic inches per billed pound); USPS uses the retail 166,
    /// UPS and FedEx their daily 139.
    int dim_divisor;
    /// Residential delivery surcharge (UPS and FedEx charge one; USPS does not).
    int residential_cents;
    /// Transit days for zones 1..8.
    std::array<int, 8> days;
    Week week;
};

constexpr std::array<Service, 9> kServices{{
    {"USPS", "GroundAdvantage", 540, 85, 35, 166, 0, {2, 2, 3, 3, 4, 4, 5, 5}, Week::kMonToSat},
    {"USPS", "Priority", 925, 160, 70, 166, 0, {1, 2, 2, 2, 3, 3, 3, 3}, Week::kMonToSat},
    {"USPS", "Express", 2875, 320, 150, 166, 0, {1, 1, 1, 1, 2, 2, 2, 2}, Week::kMonToSat},
    {"UPS", "Ground", 1020, 105, 55, 139, 445, {1, 2, 2, 3, 3, 4, 4, 5}, Week::kMonToFri},
    {"UPS", "2ndDayAir", 2150, 290, 140, 139, 445, {2, 2, 2, 2, 2, 2, 2, 2}, Week::kMonToFri},
    {"UPS", "NextDayAir", 3890, 475, 260, 139, 445, {1, 1, 1, 1, 1, 1, 1, 1}, Week::kMonToFri},
    {"FedEx", "FEDEX_GROUND", 1005, 100, 55, 139, 430, {1, 2, 2, 3, 3, 4, 4, 5}, Week::kMonToFri},
    {"FedEx", "FEDEX_2_DAY", 2210, 295, 145, 139, 430, {2, 2, 2, 2, 2, 2, 2, 2}, Week::kMonToFri},
    {"FedEx", "STANDARD_OVERNIGHT", 4130, 510, 280, 139, 430, {1, 1, 1, 1, 1, 1, 1, 1},
     Week::kMonToFri},
}};

// Volumes at or under one cubic foot are billed by actual weight (as the carriers do).
constexpr double kDimWeightMinCubicInches = 1728;

std::string money(long cents) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%ld.%02ld", cents / 100, cents % 100);
    return buf;
}

std::string date_string(sys_days day) {
    std::chrono::year_month_day ymd{day};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

// Ship date + `days` delivery days, skipping the days the carrier does not deliver.
sys_days delivery_date(sys_days ship, int days, Week week) {
    sys_days d = ship;
    while (days > 0) {
        d += std::chrono::days(1);
        std::chrono::weekday wd{d};
        bool off = wd == std::chrono::Sunday ||
                   (week == Week::kMonToFri && wd == std::chrono::Saturday);
        if (!off) --days;
    }
    return d;
}

void append_field(std::string& out, const std::optional<std::string>& v) {
    out += v.value_or("");
    out += '|';
}

// What makes two shipments "the same" for ids: the stored id, else the content.
std::string identity(const domain::Shipment& s) {
    if (!s.id.empty()) return "id:" + s.id;
    std::string out = "content:";
    for (const domain::Address* a : {&s.from_address, &s.to_address}) {
        out += a->street1 + '|' + a->city + '|';
        append_field(out, a->state);
        out += a->zip + '|' + a->country + '|';
    }
    if (s.parcel) {
        char buf[128];
        std::snprintf(buf, sizeof buf, "%.3f|%.3f|%.3f|%.3f|", s.parcel->weight,
                      s.parcel->length.value_or(0), s.parcel->width.value_or(0),
                      s.parcel->height.value_or(0));
        out += buf;
    }
    append_field(out, s.reference);
    return out;
}

std::string hex_id(std::string_view prefix, const std::string& material) {
    auto digest = detail::sha256(material);
    return std::string(prefix) + detail::to_hex(digest.data(), 16);
}

// The first digit of a US ZIP code, or -1.
int zip_digit(const domain::Address& a, std::size_t n) {
    if (a.zip.size() < n || (!a.country.empty() && a.country != "US")) return -1;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        char c = a.zip[i];
        if (c < '0' || c > '9') return -1;
        v = v * 10 + (c - '0');
    }
    return v;
}

void check_parcel(const domain::Shipment& s) {
    if (!s.parcel) throw CarrierError("the shipment has no parcel to rate", 422, "PARCEL.MISSING");
    if (!(s.parcel->weight > 0) || !std::isfinite(s.parcel->weight)) {
        throw CarrierError("the parcel's weight must be greater than 0", 422, "PARCEL.WEIGHT.INVALID");
    }
}

long price_cents(const Service& svc, const domain::Shipment& s, int zone) {
    const domain::Parcel& p = *s.parcel;
    double lbs = std::ceil(p.weight / 16.0);
    if (p.length && p.width && p.height) {
        double volume = *p.length * *p.width * *p.height;
        if (volume > kDimWeightMinCubicInches) lbs = std::max(lbs, std::ceil(volume / svc.dim_divisor));
    }
    // Beyond 150 lb is freight; price it as 150 so the numbers stay bounded.
    lbs = std::clamp(lbs, 1.0, 150.0);
    double extra = (lbs - 1) * svc.per_lb_cents * (1 + 0.08 * (zone - 1));
    long cents = svc.base_cents + std::lround(extra) + svc.per_zone_cents * (zone - 1);
    if (s.to_address.residential.value_or(false)) cents += svc.residential_cents;
    return cents;
}

}  // namespace

int simulated_zone(const domain::Address& from, const domain::Address& to) {
    int f3 = zip_digit(from, 3), t3 = zip_digit(to, 3);
    if (f3 < 0 || t3 < 0) return 8;
    if (f3 == t3) return 1;
    int f1 = f3 / 100, t1 = t3 / 100;
    if (f1 == t1) return 2;
    return std::min(8, 2 + std::abs(f1 - t1));
}

std::vector<domain::Rate> simulated_rates(const domain::Shipment& shipment, sys_days ship_date) {
    check_parcel(shipment);
    int zone = simulated_zone(shipment.from_address, shipment.to_address);
    std::string who = identity(shipment);
    std::vector<std::pair<long, domain::Rate>> priced;
    for (const Service& svc : kServices) {
        domain::Rate r;
        r.carrier = svc.carrier;
        r.service = svc.service;
        r.id = hex_id("rate_", who + '|' + r.carrier + '|' + r.service);
        long cents = price_cents(svc, shipment, zone);
        r.rate = money(cents);
        r.currency = "USD";
        int days = svc.days[static_cast<std::size_t>(zone - 1)];
        r.delivery_days = days;
        r.est_delivery_date = date_string(delivery_date(ship_date, days, svc.week));
        priced.emplace_back(cents, std::move(r));
    }
    std::stable_sort(priced.begin(), priced.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<domain::Rate> out;
    out.reserve(priced.size());
    for (auto& [cents, r] : priced) out.push_back(std::move(r));
    return out;
}

Purchase simulated_purchase(const domain::Shipment& shipment, const domain::Rate& rate,
                            sys_days ship_date) {
    auto rates = simulated_rates(shipment, ship_date);
    auto it = std::find_if(rates.begin(), rates.end(),
                           [&](const domain::Rate& r) { return !rate.id.empty() && r.id == rate.id; });
    if (it == rates.end()) {
        it = std::find_if(rates.begin(), rates.end(), [&](const domain::Rate& r) {
            return r.carrier == rate.carrier && r.service == rate.service;
        });
    }
    if (it == rates.end()) {
        throw CarrierError("the simulated carrier offers no " + rate.carrier + " " + rate.service +
                               " rate for this shipment",
                           422, "RATE.INVALID");
    }
    Purchase p;
    // The customer buys the rate as it was quoted (its id among the shipment's rates), even
    // when quoting again today would name it differently.
    p.rate = rate.id.empty() ? *it : rate;
    p.tracking_code = simulated_tracking_code(it->carrier, it->service, identity(shipment));
    p.label_url = simulated_label_url(p.tracking_code);
    return p;
}

std::string simulated_tracking_code(std::string_view carrier, std::string_view service,
                                    std::string_view seed) {
    std::string material = "tracking|" + std::string(carrier) + '|' + std::string(service) + '|' +
                           std::string(seed);
    auto h = detail::sha256(material);
    // Enough decimal digits for any of the shapes: two per digest byte.
    std::string digits;
    for (std::uint8_t b : h) {
        digits += static_cast<char>('0' + b % 10);
        digits += static_cast<char>('0' + (b / 10) % 10);
    }
    if (carrier == "USPS") {
        // IMpb: 94001 + 16 digits + a mod-10 check digit (weights 3,1 from the right).
        std::string code = "94001" + digits.substr(0, 16);
        int sum = 0;
        for (std::size_t i = 0; i < code.size(); ++i) {
            int d = code[code.size() - 1 - i] - '0';
            sum += d * (i % 2 == 0 ? 3 : 1);
        }
        code += static_cast<char>('0' + (10 - sum % 10) % 10);
        return code;
    }
    if (carrier == "UPS") {
        // 1Z + 6-character shipper account + 2-digit service + 7-digit package + check digit.
        static constexpr char kAlnum[] = "0123456789ABCDEFGHJKLMNPRSTUVWXY";
        std::string body;
        for (int i = 0; i < 6; ++i) body += kAlnum[h[16 + i] % 32];
        body += service == "NextDayAir" ? "01" : service == "2ndDayAir" ? "02" : "03";
        body += digits.substr(0, 7);
        int sum = 0;
        for (std::size_t i = 0; i < body.size(); ++i) {
            char c = body[i];
            int v = (c >= '0' && c <= '9') ? c - '0' : (c - 'A' + 2) % 10;
            sum += (i % 2 == 0) ? v : 2 * v;
        }
        body += static_cast<char>('0' + (10 - sum % 10) % 10);
        return "1Z" + body;
    }
    if (carrier == "FedEx") {
        // 11 digits + a mod-11 check digit (weights 1, 3, 7 from the right).
        std::string code = digits.substr(0, 11);
        if (code[0] == '0') code[0] = '7';  // FedEx Express codes do not start with 0
        static constexpr int kWeights[] = {1, 3, 7};
        int sum = 0;
        for (std::size_t i = 0; i < code.size(); ++i) {
            sum += (code[code.size() - 1 - i] - '0') * kWeights[i % 3];
        }
        code += static_cast<char>('0' + sum % 11 % 10);
        return code;
    }
    throw std::invalid_argument("unknown simulated carrier: " + std::string(carrier));
}

std::string simulated_label_url(std::string_view tracking_code) {
    return "https://labels.shipd.local/" + std::string(tracking_code) + ".pdf";
}

SimulatedCarrier::SimulatedCarrier(SystemClock clock) : clock_(std::move(clock)) {
    if (!clock_) clock_ = [] { return std::chrono::system_clock::now(); };
}

boost::asio::awaitable<Quote> SimulatedCarrier::quote_shipment(const domain::Shipment& shipment) {
    auto today = std::chrono::floor<std::chrono::days>(clock_());
    co_return Quote{simulated_rates(shipment, today), {}};
}

boost::asio::awaitable<Purchase> SimulatedCarrier::buy(const domain::Shipment& shipment,
                                                       const domain::Rate& rate) {
    auto today = std::chrono::floor<std::chrono::days>(clock_());
    co_return simulated_purchase(shipment, rate, today);
}

}  // namespace shipd::carriers
