// Tracking events: append (repeats absorbed), list, batch-track, and a bulk insert for demo data.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/types.hpp"
#include "pg/connection.hpp"
#include "pg/pool.hpp"

namespace shipd::store {

/// Every function here throws what pg::Pool::acquire and pg::Connection::execute throw, and
/// pg::ResultError if a stored value cannot be decoded. Ids must be UUID text (a malformed
/// one is pg::DataException); occurred_at RFC 3339. A value the schema refuses (status_detail
/// over 100 characters, message over 500, a country that is not two capitals) throws
/// pg::DataException / pg::IntegrityConstraintViolation and stores none of the batch.

/// Appends `events` to shipment `shipment_id` (their id and shipment_id are ignored; each
/// keeps its own source). One with the occurred_at, status and message of a stored event is a
/// repeat and is absorbed. The shipment's status follows its newest event by occurred_at (the
/// events trigger). Returns ALL the shipment's events oldest first (occurred_at, id), or
/// nullopt when there is no such shipment. One round trip (insert and read pipelined).
boost::asio::awaitable<std::optional<std::vector<domain::TrackingEvent>>> append_events(
    pg::Pool& pool, const std::string& shipment_id,
    const std::vector<domain::TrackingEvent>& events);

/// The shipment's events oldest first; nullopt when there is no such shipment (an existing
/// shipment without events: an empty vector). One statement.
boost::asio::awaitable<std::optional<std::vector<domain::TrackingEvent>>> list_events(
    pg::Pool& pool, const std::string& shipment_id);

struct BatchTrackResult {
    /// One per known code, in request order (a code sent twice is answered twice).
    std::vector<domain::TrackResult> results;
    /// Unknown codes in request order (each occurrence).
    std::vector<std::string> not_found;
};

/// Status and newest event of each code's shipment (the newest shipment when several share a
/// code), in ONE statement for all codes: one index probe on tracking_code per code; the
/// newest event is the copy the shipment row carries (migration 0007, kept by the events
/// triggers). The caller bounds the count (API.md: 1000).
boost::asio::awaitable<BatchTrackResult> batch_track(pg::Pool& pool,
                                                     const std::vector<std::string>& codes);

/// Inserts events of any shipments (each event's shipment_id set) in one statement, repeats
/// absorbed; returns how many were new. For demo data and other bulk work; the trigger keeps
/// every shipment's status. Throws like the above (pg::ForeignKeyViolation for an unknown
/// shipment_id).
boost::asio::awaitable<std::uint64_t> insert_events_batch(
    pg::Connection& connection, const std::vector<domain::TrackingEvent>& events);
/// insert_events_batch on a connection of `pool`.
boost::asio::awaitable<std::uint64_t> insert_events_batch(
    pg::Pool& pool, const std::vector<domain::TrackingEvent>& events);

}  // namespace shipd::store
