// EasyPost's webhook Event (tracker.created / tracker.updated) read into domain values.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/parsed.hpp"
#include "domain/types.hpp"

namespace shipd::domain {

/// An EasyPost Event as POST /v1/webhooks/easypost receives it. Only `id` and `description`
/// are required; the tracker part is filled when `result` is a Tracker.
struct WebhookEvent {
    std::string id;           ///< "evt_...": at-least-once delivery is absorbed by it
    std::string description;  ///< "tracker.updated", "tracker.created", or any other type
    bool has_tracker = false;  ///< `result` is an object with "object": "Tracker"
    std::optional<std::string> tracker_id;     ///< result.id, "trk_..."
    std::optional<std::string> tracking_code;  ///< result.tracking_code: matches the shipment
    std::optional<Status> status;              ///< result.status (unknown values → kUnknown)
    std::optional<std::string> status_detail;  ///< result.status_detail
    std::optional<std::string> carrier;        ///< result.carrier
    std::vector<TrackingEvent> events;         ///< result.tracking_details, source "webhook"
    std::size_t skipped_details = 0;  ///< details without a usable datetime, left out

    /// True for tracker.created and tracker.updated, the events that become tracking events.
    bool is_tracker_update() const {
        return has_tracker && (description == "tracker.created" || description == "tracker.updated");
    }
};

/// Parses an EasyPost Event. Lenient where EasyPost is the one talking (the signature was
/// checked first): unknown statuses read as unknown, over-long or malformed optional texts and
/// an invalid country are dropped, a tracking detail without a valid RFC 3339 `datetime` is
/// skipped and counted, so a delivery is never retried into an error loop. Not JSON, not an
/// object, wrong types of id / description / result, or a missing id or description: 400/422.
/// Never throws.
Parsed<WebhookEvent> parse_webhook_event(std::string_view body);

}  // namespace shipd::domain
