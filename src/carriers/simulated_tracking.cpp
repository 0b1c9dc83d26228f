// The simulated tracking progression: routes through plausible hubs, one event a step.
#include "carriers/simulated_tracking.hpp"

#include <array>
#include <cstdio>

#include "carriers/detail/digest.hpp"
#include "carriers/simulated.hpp"

namespace shipd::carriers {

namespace {

struct Hub {
    std::string_view city;
    std::string_view state;
    std::string_view zip;
};

// Real sorting-centre cities of each network, so a route reads plausibly.
constexpr std::array<Hub, 8> kUspsHubs{{{"Chicago", "IL", "60607"},
                                        {"Atlanta", "GA", "30320"},
                                        {"Dallas", "TX", "75260"},
                                        {"Denver", "CO", "80266"},
                                        {"Kansas City", "MO", "64121"},
                                        {"Philadelphia", "PA", "19176"},
                                        {"San Bernardino", "CA", "92403"},
                                        {"Seattle", "WA", "98168"}}};
constexpr std::array<Hub, 8> kUpsHubs{{{"Louisville", "KY", "40209"},
                                       {"Hodgkins", "IL", "60525"},
                                       {"Ontario", "CA", "91761"},
                                       {"Mesquite", "TX", "75149"},
                                       {"Atlanta", "GA", "30336"},
                                       {"Philadelphia", "PA", "19153"},
                                       {"Columbia", "SC", "29209"},
                                       {"Parsippany", "NJ", "07054"}}};
constexpr std::array<Hub, 8> kFedexHubs{{{"Memphis", "TN", "38118"},
                                         {"Indianapolis", "IN", "46241"},
                                         {"Oakland", "CA", "94621"},
                                         {"Fort Worth", "TX", "76177"},
                                         {"Newark", "NJ", "07114"},
                                         {"Greensboro", "NC", "27409"},
                                         {"Allentown", "PA", "18109"},
                                         {"Ontario", "CA", "91761"}}};

const std::array<Hub, 8>& hubs_of(std::string_view carrier) {
    if (carrier == "UPS") return kUpsHubs;
    if (carrier == "FedEx") return kFedexHubs;
    return kUspsHubs;
}

bool is_air(std::string_view service) {
    return service == "Express" || service == "NextDayAir" || service == "2ndDayAir" ||
           service == "FEDEX_2_DAY" || service == "STANDARD_OVERNIGHT" || service == "Priority";
}

int hub_count(const TrackingState& s) {
    if (is_air(s.service)) return 1;  // air goes through one hub
    int zone = simulated_zone(s.from_address, s.to_address);
    return zone <= 2 ? 1 : zone <= 5 ? 2 : 3;
}

domain::Location location_of(const domain::Address& a) {
    domain::Location l;
    if (!a.city.empty()) l.city = a.city;
    l.state = a.state;
    if (!a.zip.empty()) l.zip = a.zip;
    if (!a.country.empty()) l.country = a.country;
    return l;
}

domain::Location location_of(const Hub& h) {
    return domain::Location{std::string(h.city), std::string(h.state), std::string(h.zip),
                            std::string("US")};
}

// The i-th hub (0-based) of the route: distinct hubs picked by the tracking code's hash.
const Hub& hub_at(const TrackingState& s, int i) {
    const auto& hubs = hubs_of(s.carrier);
    auto h = detail::sha256("route|" + s.tracking_code);
    std::size_t first = h[0] % hubs.size();
    std::size_t stride = 1 + h[1] % (hubs.size() - 1);  // co-prime with 8 when odd
    if (stride % 2 == 0) ++stride;
    return hubs[(first + static_cast<std::size_t>(i) * stride) % hubs.size()];
}

std::string where(const domain::Location& l) {
    std::string out = l.city.value_or("");
    if (l.state) out += (out.empty() ? "" : ", ") + *l.state;
    return out;
}

}  // namespace

TrackingState tracking_state(const domain::Shipment& shipment, int in_transit_events,
                             std::chrono::system_clock::time_point last_event_at) {
    TrackingState s;
    s.status = shipment.status;
    s.carrier = shipment.carrier.value_or(shipment.selected_rate ? shipment.selected_rate->carrier : "");
    s.service = shipment.service.value_or(shipment.selected_rate ? shipment.selected_rate->service : "");
    s.tracking_code = shipment.tracking_code.value_or("");
    s.from_address = shipment.from_address;
    s.to_address = shipment.to_address;
    s.in_transit_events = in_transit_events;
    s.last_event_at = last_event_at;
    return s;
}

int simulated_route_length(const TrackingState& state) { return hub_count(state) + 2; }

std::optional<domain::TrackingEvent> next_simulated_event(const TrackingState& state,
                                                          std::chrono::system_clock::time_point now,
                                                          std::chrono::seconds step) {
    if (state.tracking_code.empty()) return std::nullopt;
    auto at = state.last_event_at + step;
    if (now < at) return std::nullopt;

    domain::TrackingEvent e;
    e.source = "simulated";
    e.occurred_at = format_utc(at);
    const std::string& carrier = state.carrier;
    int route = simulated_route_length(state);
    switch (state.status) {
        case domain::Status::kPreTransit:
            e.status = domain::Status::kInTransit;
            e.status_detail = "arrived_at_facility";
            e.location = location_of(state.from_address);
            e.message = "Accepted at " + carrier + " origin facility in " + where(e.location);
            return e;
        case domain::Status::kInTransit: {
            int n = state.in_transit_events;  // the origin acceptance was event 1
            if (n <= 0) n = 1;
            if (n < route - 1) {
                const Hub& hub = hub_at(state, n - 1);
                e.status = domain::Status::kInTransit;
                e.status_detail = "arrived_at_facility";
                e.location = location_of(hub);
                e.message = "Arrived at " + carrier + " sort facility in " + where(e.location);
                return e;
            }
            if (n == route - 1) {
                e.status = domain::Status::kInTransit;
                e.status_detail = "arrived_at_destination";
                e.location = location_of(state.to_address);
                e.message = "Arrived at " + carrier + " destination facility in " + where(e.location);
                return e;
            }
            e.status = domain::Status::kOutForDelivery;
            e.status_detail = "out_for_delivery";
            e.location = location_of(state.to_address);
            e.message = "Out for delivery in " + where(e.location);
            return e;
        }
        case domain::Status::kOutForDelivery:
            e.status = domain::Status::kDelivered;
            e.status_detail = "arrived_at_destination";
            e.location = location_of(state.to_address);
            e.message = "Delivered in " + where(e.location);
            return e;
        default:
            return std::nullopt;  // not bought yet, or final
    }
}

std::string format_utc(std::chrono::system_clock::time_point time) {
    auto secs = std::chrono::floor<std::chrono::seconds>(time);
    auto day = std::chrono::floor<std::chrono::days>(secs);
    std::chrono::year_month_day ymd{day};
    std::chrono::hh_mm_ss hms{secs - day};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    return buf;
}

}  // namespace shipd::carriers
