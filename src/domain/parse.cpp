// Parsers of API.md's request bodies.
#include "domain/parse.hpp"

#include "domain/detail/json_reader.hpp"
#include "domain/timestamp.hpp"
#include "text/utf8.hpp"
#include "domain/validate.hpp"

namespace shipd::domain {

namespace {

using detail::Collector;
using detail::join;
using detail::read_string;
using detail::StringRule;
namespace json = boost::json;

// The one object every body must be; a 400 naming no field otherwise.
template <class T>
const json::object* root_object(std::string_view body, json::monotonic_resource& resource,
                                json::value& root, Parsed<T>& failure) {
    if (auto error = detail::parse_json(body, resource, root)) {
        failure = detail::bad_request<T>(std::move(*error));
        return nullptr;
    }
    if (!root.is_object()) {
        failure = detail::bad_request<T>("body must be a JSON object");
        return nullptr;
    }
    return &root.get_object();
}

std::optional<std::string> read_country(const json::object& obj, const std::string& path,
                                        bool required, Collector& problems) {
    // A generous length limit so "USA" is told what a country code is, not that it is long.
    auto text = read_string(obj, "country", path, StringRule{64, required}, problems);
    if (!text) return std::nullopt;
    auto code = normalize_country(*text);
    if (!code) problems.invalid(path, "must be an ISO 3166-1 alpha-2 country code");
    return code;
}

Address read_address(const json::object& obj, const std::string& prefix, Collector& problems) {
    Address a;
    auto field = [&](std::string_view key) { return join(prefix, key); };
    a.name = read_string(obj, "name", field("name"), StringRule{limits::kName}, problems);
    a.company = read_string(obj, "company", field("company"), StringRule{limits::kCompany}, problems);
    a.street1 = read_string(obj, "street1", field("street1"), StringRule{limits::kStreet, true}, problems)
                    .value_or("");
    a.street2 = read_string(obj, "street2", field("street2"), StringRule{limits::kStreet}, problems);
    a.city = read_string(obj, "city", field("city"), StringRule{limits::kCity, true}, problems)
                 .value_or("");
    a.state = read_string(obj, "state", field("state"), StringRule{limits::kState}, problems);
    a.zip = read_string(obj, "zip", field("zip"), StringRule{limits::kZip, true}, problems)
                .value_or("");
    // EasyPost and the addresses table both default the country to US.
    const json::value* country = obj.if_contains("country");
    if (country == nullptr || country->is_null()) {
        a.country = "US";
    } else {
        a.country = read_country(obj, field("country"), true, problems).value_or("");
    }
    a.phone = read_string(obj, "phone", field("phone"), StringRule{limits::kPhone}, problems);
    a.email = read_string(obj, "email", field("email"), StringRule{limits::kEmail}, problems);
    if (a.email && !a.email->empty() && !is_plausible_email(*a.email)) {
        problems.invalid(field("email"), "must be an e-mail address");
    }
    a.residential = detail::read_bool(obj, "residential", field("residential"), problems);
    return a;
}

// A dimension or weight: > 0 and at most `max`.
std::optional<double> read_measure(const json::object& obj, std::string_view key,
                                   const std::string& path, bool required, double max,
                                   Collector& problems) {
    auto value = detail::read_number(obj, key, path, required, problems);
    if (!value) return std::nullopt;
    if (*value <= 0) {
        problems.invalid(path, "must be greater than 0");
        return std::nullopt;
    }
    if (*value > max) {
        problems.invalid(path, "must be at most " + std::to_string(static_cast<long long>(max)));
        return std::nullopt;
    }
    return value;
}

Parcel read_parcel(const json::object& obj, Collector& problems) {
    Parcel p;
    p.length = read_measure(obj, "length", "parcel.length", false, limits::kMaxDimension, problems);
    p.width = read_measure(obj, "width", "parcel.width", false, limits::kMaxDimension, problems);
    p.height = read_measure(obj, "height", "parcel.height", false, limits::kMaxDimension, problems);
    p.weight = read_measure(obj, "weight", "parcel.weight", true, limits::kMaxWeight, problems)
                   .value_or(0);
    p.predefined_package = read_string(obj, "predefined_package", "parcel.predefined_package",
                                       StringRule{limits::kPredefinedPackage}, problems);
    return p;
}

Parsed<Shipment> parse_shipment(std::string_view body, bool parcel_required) {
    json::monotonic_resource resource;
    json::value root;
    Parsed<Shipment> failed;
    const json::object* obj = root_object(body, resource, root, failed);
    if (obj == nullptr) return failed;

    Collector problems;
    // {"shipment": {...}} is EasyPost's wrapping; field paths are named without it.
    if (const json::value* wrapped = obj->if_contains("shipment")) {
        if (!wrapped->is_object()) {
            problems.wrong_type("shipment", "must be an object");
            return problems.finish(Shipment{});
        }
        obj = &wrapped->get_object();
    }

    Shipment s;
    s.reference = read_string(*obj, "reference", "reference", StringRule{limits::kReference}, problems);
    if (const auto* from = detail::read_object(*obj, "from_address", "from_address", true, problems)) {
        s.from_address = read_address(*from, "from_address", problems);
    }
    if (const auto* to = detail::read_object(*obj, "to_address", "to_address", true, problems)) {
        s.to_address = read_address(*to, "to_address", problems);
    }
    if (const auto* parcel = detail::read_object(*obj, "parcel", "parcel", parcel_required, problems)) {
        s.parcel = read_parcel(*parcel, problems);
    }
    return problems.finish(std::move(s));
}

}  // namespace

Parsed<Shipment> parse_create_shipment(std::string_view body) { return parse_shipment(body, true); }

Parsed<Shipment> parse_import_line(std::string_view line) { return parse_shipment(line, false); }

Parsed<BuyRequest> parse_buy(std::string_view body) {
    json::monotonic_resource resource;
    json::value root;
    Parsed<BuyRequest> failed;
    const json::object* obj = root_object(body, resource, root, failed);
    if (obj == nullptr) return failed;

    Collector problems;
    BuyRequest buy;
    if (const auto* rate = detail::read_object(*obj, "rate", "rate", false, problems)) {
        buy.rate_id = read_string(*rate, "id", "rate.id", StringRule{limits::kRateId, true}, problems);
        if (!buy.rate_id) buy.rate_id.emplace();  // the problem is recorded; keep the form known
    }
    buy.carrier = read_string(*obj, "carrier", "carrier", StringRule{limits::kCarrier}, problems);
    buy.service = read_string(*obj, "service", "service", StringRule{limits::kService}, problems);
    if (!problems.ok()) return problems.finish(std::move(buy));

    const bool by_rate = buy.rate_id.has_value();
    const bool by_name = buy.carrier.has_value() || buy.service.has_value();
    if (by_rate && by_name) {
        problems.invalid("rate", "give either rate or carrier and service, not both");
    } else if (!by_rate && !by_name) {
        problems.invalid("rate", "is required (or carrier and service)");
    } else if (by_name) {
        if (!buy.carrier || buy.carrier->empty()) problems.invalid("carrier", "is required");
        if (!buy.service || buy.service->empty()) problems.invalid("service", "is required");
    }
    return problems.finish(std::move(buy));
}

Parsed<std::vector<TrackingEvent>> parse_events(std::string_view body) {
    using Events = std::vector<TrackingEvent>;
    json::monotonic_resource resource;
    json::value root;
    Parsed<Events> failed;
    const json::object* obj = root_object(body, resource, root, failed);
    if (obj == nullptr) return failed;

    Collector problems;
    Events events;
    const json::array* list = detail::read_array(*obj, "events", "events", true, problems);
    if (list == nullptr) return problems.finish(std::move(events));
    if (list->empty()) problems.invalid("events", "must not be empty");
    if (list->size() > limits::kMaxEvents) {
        problems.invalid("events", "must hold at most " + std::to_string(limits::kMaxEvents) + " events");
        return problems.finish(std::move(events));
    }
    events.reserve(list->size());
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string path = detail::at_index("events", i);
        const json::value& item = (*list)[i];
        if (!item.is_object()) {
            problems.wrong_type(path, "must be an object");
            continue;
        }
        const json::object& e = item.get_object();
        TrackingEvent event;
        event.source = "api";
        const std::string status_path = join(path, "status");
        if (auto status = read_string(e, "status", status_path, StringRule{256, true}, problems)) {
            if (auto known = status_from_string(*status)) {
                event.status = *known;
            } else {
                problems.invalid(status_path, "must be one of unknown, pre_transit, in_transit, "
                                              "out_for_delivery, delivered, available_for_pickup, "
                                              "return_to_sender, failure, cancelled, error");
            }
        }
        const std::string time_path = join(path, "occurred_at");
        if (auto when = read_string(e, "occurred_at", time_path, StringRule{64, true}, problems)) {
            if (auto utc = parse_rfc3339(*when)) {
                event.occurred_at = std::move(*utc);
            } else {
                problems.invalid(time_path, "must be an RFC 3339 time (2026-11-28T09:03:13Z)");
            }
        }
        event.message = read_string(e, "message", join(path, "message"),
                                    StringRule{limits::kEventMessage, false, true}, problems);
        event.status_detail = read_string(e, "status_detail", join(path, "status_detail"),
                                          StringRule{limits::kStatusDetail}, problems);
        const std::string loc_path = join(path, "location");
        if (const auto* loc = detail::read_object(e, "location", loc_path, false, problems)) {
            event.location.city = read_string(*loc, "city", join(loc_path, "city"),
                                              StringRule{limits::kCity}, problems);
            event.location.state = read_string(*loc, "state", join(loc_path, "state"),
                                               StringRule{limits::kState}, problems);
            event.location.zip = read_string(*loc, "zip", join(loc_path, "zip"),
                                             StringRule{limits::kZip}, problems);
            if (const json::value* c = loc->if_contains("country"); c && !c->is_null()) {
                event.location.country = read_country(*loc, join(loc_path, "country"), true, problems);
            }
        }
        events.push_back(std::move(event));
    }
    return problems.finish(std::move(events));
}

Parsed<std::vector<std::string>> parse_batch_track(std::string_view body) {
    using Codes = std::vector<std::string>;
    json::monotonic_resource resource;
    json::value root;
    Parsed<Codes> failed;
    const json::object* obj = root_object(body, resource, root, failed);
    if (obj == nullptr) return failed;

    Collector problems;
    Codes codes;
    const json::array* list = detail::read_array(*obj, "tracking_codes", "tracking_codes", true, problems);
    if (list == nullptr) return problems.finish(std::move(codes));
    if (list->empty()) problems.invalid("tracking_codes", "must not be empty");
    if (list->size() > limits::kMaxTrackingCodes) {
        problems.invalid("tracking_codes", "must hold at most " +
                                               std::to_string(limits::kMaxTrackingCodes) + " codes");
        return problems.finish(std::move(codes));
    }
    codes.reserve(list->size());
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string path = detail::at_index("tracking_codes", i);
        const json::value& item = (*list)[i];
        if (!item.is_string()) {
            problems.wrong_type(path, "must be a string");
            continue;
        }
        const std::string_view code = item.get_string();
        if (code.empty()) {
            problems.invalid(path, "must not be empty");
        } else if (has_control_chars(code)) {
            problems.invalid(path, "must not contain control characters");
        } else if (shipd::text::utf8_length(code) > limits::kTrackingCode) {
            problems.invalid(path, "must be at most " + std::to_string(limits::kTrackingCode) +
                                       " characters");
        } else {
            codes.emplace_back(code);
        }
    }
    return problems.finish(std::move(codes));
}

}  // namespace shipd::domain
