// EasyPost webhook receipts (at-least-once delivery absorbed by event id) and tracker updates
// applied as events, in one statement.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/types.hpp"
#include "pg/pool.hpp"

namespace shipd::store {

/// Every function here throws what pg::Pool::acquire and pg::Connection::execute throw;
/// payload must be JSON text (else pg::DataException).

/// One delivery that passed its signature check.
struct WebhookReceipt {
    std::string event_id;    ///< EasyPost's Event id ("evt_..."), 1-100 characters
    std::string event_type;  ///< "tracker.updated"
    std::string payload;     ///< the raw JSON body
};

/// A tracker.created / tracker.updated Event's content.
struct TrackerUpdate {
    std::string tracking_code;
    std::vector<domain::TrackingEvent> events;  ///< tracking_details; source forced to "webhook"
};

enum class WebhookOutcome {
    kApplied,              ///< first delivery; its events were appended to the shipment
    kUnknownTrackingCode,  ///< first delivery; no shipment has the tracking code
    kIgnored,              ///< first delivery; no tracker (another event type)
    kDuplicate,            ///< this event id was received before; nothing changed
};

/// Records the receipt (outcome 'applied', 'unknown_tracking_code' or 'ignored_type') and,
/// on a first delivery with a tracker whose code matches a shipment (the newest when several
/// share it), appends the events (source "webhook", webhook_event_id = event id; repeats
/// absorbed, status follows the newest event) — all in ONE statement, so either both are
/// stored or neither.
boost::asio::awaitable<WebhookOutcome> apply_webhook(pg::Pool& pool, const WebhookReceipt& receipt,
                                                     const std::optional<TrackerUpdate>& tracker);

/// Records a receipt alone with `outcome`; false when its event id was seen before.
boost::asio::awaitable<bool> record_receipt(pg::Pool& pool, const WebhookReceipt& receipt,
                                            const std::string& outcome);

/// Sets the outcome of a recorded receipt; false when there is none with that event id.
boost::asio::awaitable<bool> set_receipt_outcome(pg::Pool& pool, const std::string& event_id,
                                                 const std::string& outcome);

}  // namespace shipd::store
