// EasyPost's webhook Event read into domain values.
#include "domain/webhook_event.hpp"

#include "domain/detail/json_reader.hpp"
#include "domain/timestamp.hpp"
#include "text/utf8.hpp"
#include "domain/validate.hpp"

namespace shipd::domain {

namespace {

namespace json = boost::json;

// An optional text EasyPost sent: kept when it is a string that fits the column and holds no
// control characters (line breaks allowed in free text), dropped otherwise.
std::optional<std::string> lenient_string(const json::object& obj, std::string_view key,
                                          std::size_t max_chars, bool free_text = false) {
    const json::value* v = obj.if_contains(key);
    if (v == nullptr || !v->is_string()) return std::nullopt;
    const std::string_view text = v->get_string();
    if (text.empty() || has_control_chars(text, free_text) || shipd::text::utf8_length(text) > max_chars) {
        return std::nullopt;
    }
    return std::string(text);
}

Status lenient_status(const json::object& obj) {
    auto text = lenient_string(obj, "status", 64);
    if (!text) return Status::kUnknown;
    return status_from_string(*text).value_or(Status::kUnknown);
}

}  // namespace

Parsed<WebhookEvent> parse_webhook_event(std::string_view body) {
    json::monotonic_resource resource;
    json::value root;
    if (auto error = detail::parse_json(body, resource, root)) {
        return detail::bad_request<WebhookEvent>(std::move(*error));
    }
    if (!root.is_object()) return detail::bad_request<WebhookEvent>("body must be a JSON object");
    const json::object& obj = root.get_object();

    detail::Collector problems;
    WebhookEvent event;
    event.id = detail::read_string(obj, "id", "id", {limits::kWebhookEventId, true}, problems)
                   .value_or("");
    event.description =
        detail::read_string(obj, "description", "description", {100, true}, problems).value_or("");
    const json::object* result = detail::read_object(obj, "result", "result", false, problems);
    if (!problems.ok() || result == nullptr) return problems.finish(std::move(event));

    const json::value* kind = result->if_contains("object");
    event.has_tracker = kind != nullptr && kind->is_string() && kind->get_string() == "Tracker";
    if (!event.has_tracker) return problems.finish(std::move(event));

    event.tracker_id = lenient_string(*result, "id", 100);
    event.tracking_code = lenient_string(*result, "tracking_code", limits::kTrackingCode);
    if (result->contains("status")) event.status = lenient_status(*result);
    event.status_detail = lenient_string(*result, "status_detail", limits::kStatusDetail);
    event.carrier = lenient_string(*result, "carrier", limits::kCarrier);

    const json::value* details = result->if_contains("tracking_details");
    if (details == nullptr || !details->is_array()) return problems.finish(std::move(event));
    for (const json::value& item : details->get_array()) {
        if (!item.is_object()) {
            ++event.skipped_details;
            continue;
        }
        const json::object& d = item.get_object();
        auto when = lenient_string(d, "datetime", 64);
        auto utc = when ? parse_rfc3339(*when) : std::nullopt;
        if (!utc) {
            ++event.skipped_details;
            continue;
        }
        TrackingEvent e;
        e.status = lenient_status(d);
        e.status_detail = lenient_string(d, "status_detail", limits::kStatusDetail);
        e.message = lenient_string(d, "message", limits::kEventMessage, true);
        e.occurred_at = std::move(*utc);
        e.source = "webhook";
        if (const json::value* loc = d.if_contains("tracking_location"); loc && loc->is_object()) {
            const json::object& l = loc->get_object();
            e.location.city = lenient_string(l, "city", limits::kCity);
            e.location.state = lenient_string(l, "state", limits::kState);
            e.location.zip = lenient_string(l, "zip", limits::kZip);
            if (auto country = lenient_string(l, "country", 2)) {
                e.location.country = normalize_country(*country);
            }
        }
        event.events.push_back(std::move(e));
    }
    return problems.finish(std::move(event));
}

}  // namespace shipd::domain
