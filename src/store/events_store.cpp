// Tracking events: append, list, batch-track, bulk insert.
#include "store/events_store.hpp"

#include "store/detail/codec.hpp"
#include "store/detail/columns.hpp"
#include "store/detail/events_sql.hpp"

namespace shipd::store {

namespace asio = boost::asio;

namespace detail {

EventArrays::EventArrays(const std::vector<domain::TrackingEvent>& events) {
    for (auto* c : {&status, &status_detail, &message, &occurred_at, &city, &state, &zip,
                    &country, &source}) {
        c->reserve(events.size());
    }
    for (const auto& e : events) {
        status.emplace_back(std::string(domain::to_string(e.status)));
        status_detail.push_back(e.status_detail);
        message.push_back(e.message);
        occurred_at.emplace_back(e.occurred_at);
        city.push_back(e.location.city);
        state.push_back(e.location.state);
        zip.push_back(e.location.zip);
        country.push_back(e.location.country);
        source.emplace_back(e.source);
    }
}

void EventArrays::add_to(pg::Params& params) const {
    params.add(status)
        .add(status_detail)
        .add(message)
        .add(occurred_at)
        .add(city)
        .add(state)
        .add(zip)
        .add(country)
        .add(source);
}

}  // namespace detail

namespace {

// Repeats (same shipment, occurred_at, status, message; NULL messages equal) hit the dedupe
// key and are skipped, also within one batch.
constexpr std::string_view kAppendEvents =
    "INSERT INTO shipment_events (shipment_id, status, status_detail, message, occurred_at,"
    " city, state, zip, country, source)"
    " SELECT s.id, t.status, t.status_detail, t.message, t.occurred_at::timestamptz,"
    " t.city, t.state, t.zip, t.country, t.source"
    " FROM shipments s,"
    " unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],"
    " $8::text[], $9::text[], $10::text[])"
    " AS t(status, status_detail, message, occurred_at, city, state, zip, country, source)"
    " WHERE s.id = $1::uuid"
    " ON CONFLICT (shipment_id, occurred_at, status, message) DO NOTHING";

// One row with NULL event columns: the shipment exists without events; no row: no shipment.
constexpr std::string_view kListEvents =
    "SELECT " SHIPD_EVENT_COLUMNS("e")
    " FROM shipments s LEFT JOIN shipment_events e ON e.shipment_id = s.id"
    " WHERE s.id = $1::uuid"
    " ORDER BY e.occurred_at, e.id";

// The newest shipment per code (DISTINCT ON keeps the first of each ordinal) with the copy of
// its latest event it carries (migration 0007): one probe of the tracking-code index and one
// heap page per code, no join to shipment_events.
constexpr std::string_view kBatchTrack =
    "SELECT DISTINCT ON (t.ord) t.code, s.id, s.status, " SHIPD_LATEST_EVENT_COLUMNS("s")
    " FROM unnest($1::text[]) WITH ORDINALITY AS t(code, ord)"
    " LEFT JOIN shipments s ON s.tracking_code = t.code"
    " ORDER BY t.ord, s.created_at DESC, s.id DESC";

constexpr std::string_view kInsertEventsBatch =
    "INSERT INTO shipment_events (shipment_id, status, status_detail, message, occurred_at,"
    " city, state, zip, country, source)"
    " SELECT t.shipment_id::uuid, t.status, t.status_detail, t.message,"
    " t.occurred_at::timestamptz, t.city, t.state, t.zip, t.country, t.source"
    " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],"
    " $7::text[], $8::text[], $9::text[], $10::text[])"
    " AS t(shipment_id, status, status_detail, message, occurred_at, city, state, zip,"
    " country, source)"
    " ON CONFLICT (shipment_id, occurred_at, status, message) DO NOTHING";

std::optional<std::vector<domain::TrackingEvent>> decode_event_list(const pg::Result& result) {
    if (result.empty()) return std::nullopt;
    std::vector<domain::TrackingEvent> events;
    events.reserve(result.size());
    for (auto row : result) {
        if (auto e = detail::decode_event(row, 0)) events.push_back(std::move(*e));
    }
    return events;
}

}  // namespace

asio::awaitable<std::optional<std::vector<domain::TrackingEvent>>> append_events(
    pg::Pool& pool, const std::string& shipment_id,
    const std::vector<domain::TrackingEvent>& events) {
    if (events.empty()) co_return co_await list_events(pool, shipment_id);
    pg::Params params;
    params.add(shipment_id);
    detail::EventArrays(events).add_to(params);
    std::vector<pg::Query> queries;
    queries.push_back({std::string(kAppendEvents), std::move(params)});
    queries.push_back({std::string(kListEvents), pg::Params(shipment_id)});
    auto lease = co_await pool.acquire("store.append_events");
    // One Sync each: the read is a new snapshot that sees the insert (and any concurrent
    // append that committed first).
    auto outcomes = co_await lease->pipeline(std::move(queries));
    lease.release();
    outcomes[0].value();  // rethrows the insert's error
    co_return decode_event_list(outcomes[1].value());
}

asio::awaitable<std::optional<std::vector<domain::TrackingEvent>>> list_events(
    pg::Pool& pool, const std::string& shipment_id) {
    auto result = co_await pool.read(kListEvents, shipment_id);
    co_return decode_event_list(result);
}

asio::awaitable<BatchTrackResult> batch_track(pg::Pool& pool,
                                              const std::vector<std::string>& codes) {
    BatchTrackResult out;
    if (codes.empty()) co_return out;
    auto result = co_await pool.read(kBatchTrack, codes);
    out.results.reserve(result.size());
    for (auto row : result) {
        if (row[1].is_null()) {
            out.not_found.push_back(row[0].as<std::string>());
            continue;
        }
        domain::TrackResult r;
        r.tracking_code = row[0].as<std::string>();
        r.shipment_id = row[1].as<std::string>();
        r.status = detail::decode_status(*row[2].text());
        r.last_event = detail::decode_event(row, 3);
        out.results.push_back(std::move(r));
    }
    co_return out;
}

asio::awaitable<std::uint64_t> insert_events_batch(
    pg::Connection& connection, const std::vector<domain::TrackingEvent>& events) {
    if (events.empty()) co_return 0;
    detail::EventArrays::Column ids;
    ids.reserve(events.size());
    for (const auto& e : events) ids.emplace_back(e.shipment_id);
    pg::Params params;
    params.add(ids);
    detail::EventArrays(events).add_to(params);
    auto result = co_await connection.execute(kInsertEventsBatch, std::move(params));
    co_return result.rows_affected();
}

asio::awaitable<std::uint64_t> insert_events_batch(
    pg::Pool& pool, const std::vector<domain::TrackingEvent>& events) {
    auto lease = co_await pool.acquire("store.insert_events_batch");
    co_return co_await insert_events_batch(*lease, events);
}

}  // namespace shipd::store
