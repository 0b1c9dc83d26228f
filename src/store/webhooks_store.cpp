// Webhook receipts and tracker updates.
#include "store/webhooks_store.hpp"

#include "store/detail/events_sql.hpp"

namespace shipd::store {

namespace asio = boost::asio;

namespace {

// $1 event id, $2 type, $3 payload, $4 has tracker, $5 tracking code, $6..$14 event arrays.
// The receipt insert decides everything: when it conflicts (a repeat delivery) r is empty and
// no event is written.
constexpr std::string_view kApplyWebhook =
    "WITH s AS ("
    " SELECT id FROM shipments WHERE $4::boolean AND tracking_code = $5::text"
    " ORDER BY created_at DESC, id DESC LIMIT 1"
    "), r AS ("
    " INSERT INTO webhook_receipts (event_id, event_type, payload, outcome)"
    " VALUES ($1, $2, $3::jsonb, CASE WHEN NOT $4::boolean THEN 'ignored_type'"
    " WHEN EXISTS (SELECT 1 FROM s) THEN 'applied' ELSE 'unknown_tracking_code' END)"
    " ON CONFLICT (event_id) DO NOTHING RETURNING outcome"
    "), e AS ("
    " INSERT INTO shipment_events (shipment_id, status, status_detail, message, occurred_at,"
    " city, state, zip, country, source, webhook_event_id)"
    " SELECT s.id, t.status, t.status_detail, t.message, t.occurred_at::timestamptz,"
    " t.city, t.state, t.zip, t.country, 'webhook', $1"
    " FROM r, s,"
    " unnest($6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],"
    " $12::text[], $13::text[], $14::text[])"
    " AS t(status, status_detail, message, occurred_at, city, state, zip, country, source)"
    " ON CONFLICT (shipment_id, occurred_at, status, message) DO NOTHING"
    ")"
    " SELECT outcome FROM r";

constexpr std::string_view kRecordReceipt =
    "INSERT INTO webhook_receipts (event_id, event_type, payload, outcome)"
    " VALUES ($1, $2, $3::jsonb, $4) ON CONFLICT (event_id) DO NOTHING";

constexpr std::string_view kSetOutcome =
    "UPDATE webhook_receipts SET outcome = $2 WHERE event_id = $1";

}  // namespace

asio::awaitable<WebhookOutcome> apply_webhook(pg::Pool& pool, const WebhookReceipt& receipt,
                                              const std::optional<TrackerUpdate>& tracker) {
    static const std::vector<domain::TrackingEvent> kNoEvents;
    pg::Params params;
    params.add(receipt.event_id)
        .add(receipt.event_type)
        .add(receipt.payload)
        .add(tracker.has_value())
        .add(tracker ? std::optional(tracker->tracking_code) : std::nullopt);
    detail::EventArrays(tracker ? tracker->events : kNoEvents).add_to(params);
    auto result = co_await pool.execute_params(kApplyWebhook, std::move(params));
    auto row = result.maybe_one();
    if (!row) co_return WebhookOutcome::kDuplicate;
    auto outcome = (*row)[0].as<std::string>();
    if (outcome == "applied") co_return WebhookOutcome::kApplied;
    if (outcome == "unknown_tracking_code") co_return WebhookOutcome::kUnknownTrackingCode;
    co_return WebhookOutcome::kIgnored;
}

asio::awaitable<bool> record_receipt(pg::Pool& pool, const WebhookReceipt& receipt,
                                     const std::string& outcome) {
    auto result = co_await pool.execute(kRecordReceipt, receipt.event_id, receipt.event_type,
                                        receipt.payload, outcome);
    co_return result.rows_affected() == 1;
}

asio::awaitable<bool> set_receipt_outcome(pg::Pool& pool, const std::string& event_id,
                                          const std::string& outcome) {
    auto result = co_await pool.execute(kSetOutcome, event_id, outcome);
    co_return result.rows_affected() == 1;
}

}  // namespace shipd::store
